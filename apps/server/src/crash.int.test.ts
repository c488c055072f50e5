import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readRawBody, verifyWebhook } from '@contro1/core';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = new URL('..', import.meta.url).pathname;
const main = new URL('./main.ts', import.meta.url).pathname;
const nodeArgs = ['--conditions=@contro1/source', '--import', 'tsx', main];
const dir = mkdtempSync(join(tmpdir(), 'contro1-crash-'));
const db = join(dir, 'crash.db');
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A seeded generator so each run of the test makes the same choices (the kill moments stay random in effect). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function freePort(): Promise<number> {
  const s = createHttpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('kill -9 at random moments', () => {
  it('loses no acknowledged request or decision, delivers every decision, applies no event twice', async () => {
    const { stdout } = await run(
      process.execPath,
      [...nodeArgs, 'admin', 'org', 'create', '--name', 'Crash', '--db', db],
      { cwd: packageDir },
    );
    const org = JSON.parse(stdout) as { api_key: string; reviewer_token: string; webhook_secret: string };

    // The receiver outlives every server process: it verifies signatures and applies each event once (dedupe on
    // the signed event_id); it also notes every distinct event per request, which must be exactly one.
    const applied = new Set<string>();
    const eventsPerRequest = new Map<string, Set<string>>();
    const received = new Map<string, string>();
    const receiver = createHttpServer(async (req, res) => {
      const raw = await readRawBody(req);
      const ok = verifyWebhook(
        raw,
        String(req.headers['x-centcom-signature']),
        String(req.headers['x-centcom-timestamp']),
        org.webhook_secret,
      );
      if (!ok) return void res.writeHead(401).end();
      const body = JSON.parse(Buffer.from(raw).toString()) as {
        event_id: string;
        request_id: string;
        status: string;
      };
      eventsPerRequest.set(
        body.request_id,
        (eventsPerRequest.get(body.request_id) ?? new Set()).add(body.event_id),
      );
      if (!applied.has(body.event_id)) {
        applied.add(body.event_id);
        received.set(body.request_id, body.status);
      }
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const deliveries = new Map<string, number>();
    receiver.prependListener('request', (req) => {
      const id = String(req.headers['x-centcom-event-id']);
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
    });

    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/centcom/v1`;
    const start = async () => {
      child = spawn(
        process.execPath,
        [
          ...nodeArgs,
          'start',
          '--port',
          String(port),
          '--db',
          db,
          '--allow-loopback-callbacks',
          '--log-level',
          'silent',
        ],
        {
          cwd: packageDir,
          stdio: 'ignore',
        },
      );
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
        } catch {}
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('server did not start');
    };
    const kill = async () => {
      const c = child;
      if (!c) return;
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    };

    const random = rng(9);
    const ackedRequests = new Set<string>();
    const ackedDecisions = new Map<string, 'approved' | 'denied'>();
    const post = (path: string, token: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const cycles = 20;
    for (let cycle = 0; cycle < cycles; cycle++) {
      await start();
      const until = Date.now() + 150 + random() * 450;
      const workers = Array.from({ length: 6 }, async (_, w) => {
        let n = 0;
        while (Date.now() < until) {
          try {
            const res = await post('/requests', org.api_key, {
              type: 'approval',
              question: `c${cycle} w${w} n${n}`,
              context: 'crash test',
              callback_url: callbackUrl,
              external_request_id: `crash-${cycle}-${w}-${n++}`,
            });
            if (res.status === 201 || res.status === 200) {
              const id = ((await res.json()) as { id: string }).id;
              ackedRequests.add(id);
              const approve = random() < 0.7;
              const answer = await post(
                `/operator/queue/${id}/respond`,
                org.reviewer_token,
                approve ? { approved: true, comment: 'ok' } : { approved: false, comment: 'no' },
              );
              if (answer.status === 200) ackedDecisions.set(id, approve ? 'approved' : 'denied');
            }
          } catch {
            // The server died under us: whatever was not acknowledged may or may not exist.
          }
        }
      });
      await Promise.race([
        Promise.all(workers),
        new Promise((r) => setTimeout(r, until - Date.now() + random() * 100)),
      ]);
      await kill();
      await Promise.allSettled(workers);
    }

    await start();
    await (async () => {
      const deadline = Date.now() + 30_000;
      while ([...ackedDecisions.keys()].some((id) => !received.has(id)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
    })();
    for (const id of ackedRequests) {
      const res = await fetch(`${base}/requests/${id}`, {
        headers: { authorization: `Bearer ${org.api_key}` },
      });
      expect(res.status, `acknowledged request ${id} exists`).toBe(200);
      const body = (await res.json()) as { status: string };
      const decided = ackedDecisions.get(id);
      if (decided) expect(body.status, `decision of ${id} unchanged`).toBe(decided);
    }
    for (const [id, status] of ackedDecisions)
      expect(received.get(id), `decision of ${id} reached the receiver`).toBe(status);
    expect(
      [...eventsPerRequest.values()].every((events) => events.size === 1),
      'one event per request',
    ).toBe(true);
    await kill();
    await new Promise<void>((r) => receiver.close(() => r()));
    console.log(
      `crash test: ${cycles} kill -9 cycles, ${ackedRequests.size} acknowledged requests, ${ackedDecisions.size} acknowledged decisions, ` +
        `${[...deliveries.values()].filter((n) => n > 1).length} events delivered more than once (deduped by the receiver)`,
    );
    expect(ackedDecisions.size).toBeGreaterThan(20);
  }, 180_000);
});
