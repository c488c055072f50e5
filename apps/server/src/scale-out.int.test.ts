import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { readRawBody, verifyWebhook } from '@contro1/core';
import { postgresGate, TEST_DATABASE_URL } from '@contro1/test-utils';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = new URL('..', import.meta.url).pathname;
const main = new URL('./main.ts', import.meta.url).pathname;
const nodeArgs = ['--conditions=@contro1/source', '--import', 'tsx', main];
const ADMIN_URL = TEST_DATABASE_URL;
const available = await postgresGate();
const children: ChildProcess[] = [];
const dbName = `contro1_scale_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (!available) return;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await client.end();
});

async function freePort(): Promise<number> {
  const s = createHttpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(!available)('several instances on one PostgreSQL', () => {
  it('share the work, deliver every decision, never hold a delivery under two live leases, and survive kill -9 of one', async () => {
    const setup = new pg.Client({ connectionString: ADMIN_URL });
    await setup.connect();
    await setup.query(`CREATE DATABASE ${dbName}`);
    await setup.end();
    const dbUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
    await run(process.execPath, [...nodeArgs, 'admin', 'migrate', '--db', dbUrl], { cwd: packageDir });
    const org = JSON.parse(
      (
        await run(
          process.execPath,
          [...nodeArgs, 'admin', 'org', 'create', '--name', 'Scale', '--db', dbUrl],
          { cwd: packageDir },
        )
      ).stdout,
    ) as {
      api_key: string;
      reviewer_token: string;
      webhook_secret: string;
    };

    const received = new Map<string, string>();
    const deliveries = new Map<string, number>();
    const receiver = createHttpServer(async (req, res) => {
      const raw = await readRawBody(req);
      if (
        !verifyWebhook(
          raw,
          String(req.headers['x-centcom-signature']),
          String(req.headers['x-centcom-timestamp']),
          org.webhook_secret,
        )
      ) {
        return void res.writeHead(401).end();
      }
      const body = JSON.parse(Buffer.from(raw).toString()) as {
        event_id: string;
        request_id: string;
        status: string;
      };
      deliveries.set(body.event_id, (deliveries.get(body.event_id) ?? 0) + 1);
      received.set(body.request_id, body.status);
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const ports = [await freePort(), await freePort(), await freePort()];
    const procs = ports.map((port) => {
      const child = spawn(
        process.execPath,
        [
          ...nodeArgs,
          'start',
          '--port',
          String(port),
          '--db',
          dbUrl,
          '--allow-loopback-callbacks',
          '--log-level',
          'silent',
        ],
        {
          cwd: packageDir,
          stdio: 'ignore',
          env: { ...process.env, CONTRO1_DELIVERY_LEASE_MS: '20000' },
        },
      );
      children.push(child);
      return child;
    });
    for (const port of ports) {
      for (let i = 0; i < 400; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
        } catch {}
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    const alive = new Set([0, 1, 2]);
    const post = (i: number, path: string, token: string, body: unknown) =>
      fetch(`http://127.0.0.1:${ports[i]}/api/centcom/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const pick = (n: number) => [...alive][n % alive.size] as number;

    const acked = new Map<string, string>();
    const total = 3000;
    let next = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        while (next < total) {
          const n = next++;
          if (!killed && n >= total / 2) {
            killed = true;
            procs[0]?.kill('SIGKILL');
            alive.delete(0);
          }
          try {
            const created = await post(pick(n), '/requests', org.api_key, {
              type: 'approval',
              question: `s${n}`,
              context: 'c',
              callback_url: callbackUrl,
              external_request_id: `scale-${n}`,
            });
            if (created.status !== 201 && created.status !== 200) continue;
            const id = ((await created.json()) as { id: string }).id;
            const approve = n % 4 !== 0;
            const answer = await post(
              pick(n + 1),
              `/operator/queue/${id}/respond`,
              org.reviewer_token,
              approve ? { approved: true, comment: 'ok' } : { approved: false, comment: 'no' },
            );
            if (answer.status === 200) acked.set(id, approve ? 'approved' : 'denied');
          } catch {
            // A request to the instance that was just killed; nothing was acknowledged.
          }
        }
      }),
    );
    const deadline = Date.now() + 90_000;
    while ([...acked.keys()].some((id) => !received.has(id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    for (const [id, status] of acked) expect(received.get(id), `decision of ${id} delivered`).toBe(status);

    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const attempts = (
      await db.query('SELECT delivery_id, data FROM delivery_attempts ORDER BY delivery_id, seq')
    ).rows as {
      delivery_id: string;
      data: { at: string; latency_ms: number; claim_token: string };
    }[];
    const byDelivery = new Map<string, { start: number; end: number; token: string }[]>();
    for (const a of attempts) {
      const end = Date.parse(a.data.at);
      const list = byDelivery.get(a.delivery_id) ?? [];
      list.push({ start: end - a.data.latency_ms, end, token: a.data.claim_token });
      byDelivery.set(a.delivery_id, list);
    }
    const overlaps = [...byDelivery.values()].filter((list) =>
      list.some((x, i) =>
        list.some((y, j) => i < j && x.token !== y.token && x.start < y.end && y.start < x.end),
      ),
    );
    expect(overlaps).toEqual([]);
    const perInstance = (
      await db.query("SELECT count(DISTINCT data->>'claim_token') AS claims FROM delivery_attempts")
    ).rows[0] as { claims: string };
    await db.end();
    await new Promise<void>((r) => receiver.close(() => r()));
    console.log(
      `scale-out: 3 instances, one killed at ${total / 2} of ${total}; ${acked.size} acknowledged decisions all delivered; ` +
        `${attempts.length} attempts under ${perInstance.claims} claims; ${[...deliveries.values()].filter((n) => n > 1).length} events delivered twice; no overlapping leases`,
    );
    expect(acked.size).toBeGreaterThan(total * 0.9);
  }, 180_000);
});
