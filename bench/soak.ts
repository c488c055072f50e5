import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRawBody } from '@contro1/core';

/**
 * `pnpm --filter @contro1/bench soak`: creates at SOAK_RATE/s (default 1,000) for SOAK_SECONDS (default 600), decides
 * every request and receives every webhook, printing one line per minute: achieved rate, create and decide latency,
 * webhook backlog (acknowledged decisions whose webhook has not arrived; webhooks usually beat the acknowledgement)
 * and server RSS. Not part of CI.
 */
const seconds = Number(process.env.SOAK_SECONDS ?? '600');
const rate = Number(process.env.SOAK_RATE ?? '1000');
const dir = mkdtempSync(join(tmpdir(), 'contro1-soak-'));
const here = new URL('.', import.meta.url).pathname;
const child = spawn(
  process.execPath,
  // The compiled server on plain node, as in production (`pnpm build:servers`).
  [join(here, 'dist/reference-server.js'), join(dir, 'soak.db')],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
process.on('exit', () => {
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});
const { port, org } = await new Promise<{ port: number; org: { api_key: string; reviewer_token: string } }>(
  (resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+) (.*)\n/.exec(out);
      if (m) resolve({ port: Number(m[1]), org: JSON.parse(m[2] as string) });
    });
  },
);

let received = 0;
const receiver = createServer(async (req, res) => {
  await readRawBody(req);
  received++;
  res.writeHead(200).end();
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const callback = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
const base = `http://127.0.0.1:${port}/api/centcom/v1`;

let created = 0;
let decided = 0;
let errors = 0;
let window: { create: number[]; decide: number[] } = { create: [], decide: [] };
const pct = (v: number[], p: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? 0;
const rss = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function one(n: number) {
  try {
    let t = performance.now();
    const res = await fetch(`${base}/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.api_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'approval', question: `soak ${n}`, context: 'c', callback_url: callback }),
    });
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    window.create.push(performance.now() - t);
    created++;
    t = performance.now();
    const answer = await fetch(`${base}/operator/queue/${id}/respond`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.reviewer_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ approved: true, comment: 'ok' }),
    });
    await answer.arrayBuffer();
    window.decide.push(performance.now() - t);
    decided++;
  } catch (error) {
    if (errors++ === 0)
      console.error(
        `first error: ${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`,
      );
  }
}

console.log(`soak: ${rate}/s for ${seconds} s against the reference server on SQLite\n`);
console.log(
  '| minute | creates/s | create p50/p99 ms | decide p50/p99 ms | webhooks behind | server RSS MB | errors |',
);
console.log('|---|---|---|---|---|---|---|');
function printMinute() {
  minute++;
  const elapsed = Math.min(60, (Date.now() - started) / 1000 - (minute - 1) * 60);
  console.log(
    `| ${minute} | ${Math.round((created - lastCreated) / elapsed)} | ${pct(window.create, 50).toFixed(0)}/${pct(window.create, 99).toFixed(0)} | ${pct(window.decide, 50).toFixed(0)}/${pct(window.decide, 99).toFixed(0)} | ${Math.max(0, decided - received)} | ${rss().toFixed(0)} | ${errors} |`,
  );
  lastCreated = created;
  window = { create: [], decide: [] };
}

const started = Date.now();
let n = 0;
let lastCreated = 0;
let minute = 0;
const inFlight = new Set<Promise<void>>();
while (Date.now() - started < seconds * 1000) {
  const due = Math.floor(((Date.now() - started) / 1000) * rate);
  while (n < due && inFlight.size < 128) {
    const p = one(n++).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  if (Date.now() - started >= (minute + 1) * 60_000) printMinute();
  await new Promise((r) => setTimeout(r, 5));
}
await Promise.allSettled([...inFlight]);
// The last minute ends with the loop; its line is printed once its requests have settled.
if (minute < Math.ceil(seconds / 60)) printMinute();
const deadline = Date.now() + 60_000;
while (received < decided && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
console.log(
  `\ntotal: ${created} created, ${decided} decided, ${received} webhooks received, ${errors} errors, final RSS ${rss().toFixed(0)} MB`,
);
process.exit(0);
