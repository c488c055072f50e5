import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * `pnpm bench`: every figure is measured in this run and printed next to its same-run baseline. The load generator
 * (autocannon) and each server run in separate processes. Not part of CI: timings are never asserted in tests.
 */
const dir = mkdtempSync(join(tmpdir(), 'contro1-bench-'));
const seconds = Number(process.env.BENCH_SECONDS ?? '8');
const connections = Number(process.env.BENCH_CONNECTIONS ?? '64');
const largeRows = Number(process.env.BENCH_LARGE_ROWS ?? '1000000');
const pendingRows = Number(process.env.BENCH_PENDING_ROWS ?? '100000');
const here = new URL('.', import.meta.url).pathname;
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  port: number;
  org?: { api_key: string; reviewer_token: string; webhook_secret: string };
  child: ChildProcess;
}

function startServer(script: string, db: string, org?: Started['org']): Promise<Started> {
  // Servers run as in production: compiled JavaScript on plain node (`pnpm build:servers`), no TypeScript loader.
  const args = [
    join(here, 'dist', script.replace(/\.ts$/, '.js')),
    db,
    ...(org ? [JSON.stringify(org)] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)(?: (.*))?\n/.exec(out);
      if (m) resolve({ port: Number(m[1]), ...(m[2] ? { org: JSON.parse(m[2]) } : {}), child });
    });
  });
}

const stop = (s: Started) =>
  new Promise<void>((r) => {
    s.child.once('exit', () => r());
    s.child.kill('SIGKILL');
  });

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** autocannon in its own process, creating requests for `duration` seconds. */
function load(port: number, apiKey: string | undefined, duration = seconds): Promise<Load> {
  const body = JSON.stringify({
    type: 'approval',
    question: 'Bench create',
    context: { tool_name: 'pay', tool_input: { amount: 1 } },
  });
  const args = [
    '-c',
    String(connections),
    '-d',
    String(duration),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    body,
    '-j',
  ];
  if (apiKey) args.push('-H', `authorization=Bearer ${apiKey}`);
  args.push(`http://127.0.0.1:${port}/api/centcom/v1/requests`);
  const child = spawn(join(here, 'node_modules/.bin/autocannon'), args, {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', () => {
      const r = JSON.parse(out) as {
        requests: { average: number };
        latency: { p50: number; p99: number };
        non2xx: number;
      };
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx });
    });
  });
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Bulk-seeds `rows` requests straight into a store file created by the reference server's schema. */
async function seed(db: string, rows: number, state: string) {
  const s = await startServer('reference-server.ts', db);
  await stop(s);
  const raw = new Database(db);
  raw.pragma('journal_mode = WAL');
  const orgId = (raw.prepare('SELECT id FROM orgs LIMIT 1').get() as { id: string }).id;
  const insert = raw.prepare(
    `INSERT INTO requests (id, org_id, dedupe_key, state, callback_state, final, created_at, expires_at, data)
     VALUES (?, ?, NULL, ?, 'none', ?, ?, ?, ?)`,
  );
  const now = Date.now();
  const batch = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `req_seed_${i}`;
      const data = JSON.stringify({
        id,
        org_id: orgId,
        type: 'approval',
        question: `Seeded ${i}`,
        context: 'seed',
        state,
        status: 'pending',
        state_history: [],
        created_at: new Date(now).toISOString(),
        updated_at: new Date(now).toISOString(),
        expires_at: new Date(now + 86_400_000).toISOString(),
      });
      insert.run(id, orgId, state, state === 'queued' ? 0 : 1, now, now + 86_400_000, data);
    }
  });
  for (let i = 0; i < rows; i += 50_000) batch(i, Math.min(rows, i + 50_000));
  raw.close();
}

async function webhookLatency(db = join(dir, 'latency.db')): Promise<{
  p50: number;
  p99: number;
  count: number;
  answerP50: number;
  answerP99: number;
  endToEndP50: number;
  endToEndP99: number;
  webhookFirst: number;
}> {
  const s = await startServer('reference-server.ts', db);
  const org = s.org as NonNullable<Started['org']>;
  const decidedAt = new Map<string, number>();
  const latencies: number[] = [];
  // The reviewer's side: from sending the decision to its acknowledgement, and from sending it to the webhook.
  const answers: number[] = [];
  const sentAt = new Map<string, number>();
  const endToEnd: number[] = [];
  let webhookFirst = 0;
  const received = new Map<string, number>();
  const receiver = spawn(process.execPath, [join(here, 'dist/receiver.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(receiver);
  const receiverPort = await new Promise<number>((resolve) => {
    let out = '';
    receiver.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        const [first, second] = line.split(' ');
        if (first === 'ready') resolve(Number(second));
        else if (first && second) received.set(first, Number(second));
      }
    });
  });
  const callback = `http://127.0.0.1:${receiverPort}/hook`;
  const now = () => performance.timeOrigin + performance.now();
  // node:http on keep-alive connections rather than fetch: fetch cost the load generator as much CPU as the server
  // spent, and on two cores that came out of the receiver's share. The lighter client also sends the 200 decisions
  // closer together, so they are truly pending at once.
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const post = (path: string, token: string, body: unknown) =>
    new Promise<{ ok: boolean; text: string }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: s.port,
          path: `/api/centcom/v1${path}`,
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ ok: (res.statusCode ?? 0) < 300, text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  // Round 0 warms up (JIT, the pooled connections to the receiver) and is not counted.
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    const ids = await Promise.all(
      Array.from(
        { length: 200 },
        async (_, i) =>
          (
            JSON.parse(
              (
                await post('/requests', org.api_key, {
                  type: 'approval',
                  question: `L${round}-${i}`,
                  context: 'c',
                  callback_url: callback,
                })
              ).text,
            ) as { id: string }
          ).id,
      ),
    );
    await Promise.all(
      ids.map(async (id) => {
        const sent = now();
        sentAt.set(id, sent);
        const res = await post(`/operator/queue/${id}/respond`, org.reviewer_token, {
          approved: true,
          comment: 'ok',
        });
        if (!res.ok) return;
        decidedAt.set(id, now());
        if (round > 0) answers.push(now() - sent);
      }),
    );
    const deadline = Date.now() + 10_000;
    while (ids.some((id) => !received.has(id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    // From the reviewer's acknowledged decision to the webhook's arrival (0 when the webhook won the race).
    if (round > 0)
      for (const id of ids) {
        const arrived = received.get(id) ?? Number.NaN;
        const gap = arrived - (decidedAt.get(id) ?? Number.NaN);
        if (gap <= 0) webhookFirst++;
        latencies.push(Math.max(0, gap));
        endToEnd.push(arrived - (sentAt.get(id) ?? Number.NaN));
      }
  }
  agent.destroy();
  receiver.kill('SIGTERM');
  await stop(s);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: latencies.length,
    answerP50: percentile(answers, 50),
    answerP99: percentile(answers, 99),
    endToEndP50: percentile(endToEnd, 50),
    endToEndP99: percentile(endToEnd, 99),
    webhookFirst,
  };
}

async function rssAtPending(rows: number): Promise<number> {
  const db = join(dir, 'pending.db');
  await seed(db, rows, 'queued');
  const s = await startServer('reference-server.ts', db);
  await load(s.port, undefined).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
  const { readFileSync } = await import('node:fs');
  const status = readFileSync(`/proc/${s.child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  await stop(s);
  return rssKb / 1024;
}

console.log(`contro1 bench: ${seconds} s per load, ${connections} connections, node ${process.version}\n`);

// Both servers get the same 2 s warm-up (JIT, caches) before the measured run.
const baseline = await startServer('baseline-server.ts', join(dir, 'baseline.db'));
await load(baseline.port, undefined, 2);
const baseLoad = await load(baseline.port, undefined);
await stop(baseline);
const ours = await startServer('reference-server.ts', join(dir, 'ours.db'));
await load(ours.port, ours.org?.api_key, 2);
const ourLoad = await load(ours.port, ours.org?.api_key);
await stop(ours);
console.log('create throughput (fsync on every acknowledged create)');
console.log('| server | creates/s | p50 ms | p99 ms | non-2xx |');
console.log('|---|---|---|---|---|');
console.log(
  `| baseline: node:http + JSON.parse + 1 fsync'd insert | ${fmt(baseLoad.rps)} | ${baseLoad.p50} | ${baseLoad.p99} | ${baseLoad.non2xx} |`,
);
console.log(
  `| reference server (group commit) | ${fmt(ourLoad.rps)} | ${ourLoad.p50} | ${ourLoad.p99} | ${ourLoad.non2xx} |`,
);
console.log(
  `ratio ours/baseline: ${fmt(ourLoad.rps / baseLoad.rps, 2)}× (target ≥ 1.0× and ≥ 5,000 creates/s)\n`,
);

const latency = await webhookLatency();
console.log(
  `decision acknowledged → webhook received, 200 concurrent pending deliveries × 3 rounds after a warm-up round (${latency.count} webhooks): p50 ${fmt(latency.p50, 1)} ms, p99 ${fmt(latency.p99, 1)} ms (target p99 ≤ 25 ms; 0 when the webhook arrived first, ${latency.webhookFirst} of ${latency.count} did)
  decision sent → acknowledged: p50 ${fmt(latency.answerP50, 1)} ms, p99 ${fmt(latency.answerP99, 1)} ms; decision sent → webhook received: p50 ${fmt(latency.endToEndP50, 1)} ms, p99 ${fmt(latency.endToEndP99, 1)} ms (all 200 sent at once)\n`,
);

if (process.env.BENCH_QUICK === '1') {
  console.log('BENCH_QUICK=1: create throughput and webhook latency only.');
  process.exit(0);
}

const emptyDb = join(dir, 'empty.db');
const largeDb = join(dir, 'large.db');
await seed(emptyDb, 0, 'closed');
const seedStarted = Date.now();
await seed(largeDb, largeRows, 'closed');
console.log(`seeded ${fmt(largeRows)} stored requests in ${fmt((Date.now() - seedStarted) / 1000, 1)} s`);
const empty = await startServer('reference-server.ts', emptyDb);
const emptyLoad = await load(empty.port, empty.org?.api_key);
await stop(empty);
const large = await startServer('reference-server.ts', largeDb);
const largeLoad = await load(large.port, large.org?.api_key);
await stop(large);
console.log(
  `create throughput with ${fmt(largeRows)} stored requests: ${fmt(largeLoad.rps)}/s vs ${fmt(emptyLoad.rps)}/s on an empty database → ${fmt(largeLoad.rps / emptyLoad.rps, 2)}× (target ≥ 0.8)\n`,
);

const rss = await rssAtPending(pendingRows);
console.log(
  `server RSS with ${fmt(pendingRows)} pending requests after a load run: ${fmt(rss, 0)} MB (target ≤ 150 MB)`,
);
const pgBase = process.env.CONTRO1_BENCH_DATABASE_URL;
if (pgBase) {
  const name = `contro1_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgBase });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(pgBase), { pathname: `/${name}` }).toString();
  const one = await startServer('reference-server.ts', url);
  const oneLoad = await load(one.port, one.org?.api_key);
  const two = await startServer('reference-server.ts', url, one.org);
  const [a, b] = await Promise.all([load(one.port, one.org?.api_key), load(two.port, one.org?.api_key)]);
  await stop(one);
  await stop(two);
  const pgLatency = await webhookLatency(url);
  console.log('\nPostgreSQL (same machine, same load generator)');
  console.log('| setup | creates/s | p50 ms | p99 ms |');
  console.log('|---|---|---|---|');
  console.log(`| SQLite, 1 instance (from above) | ${fmt(ourLoad.rps)} | ${ourLoad.p50} | ${ourLoad.p99} |`);
  console.log(`| PostgreSQL, 1 instance | ${fmt(oneLoad.rps)} | ${oneLoad.p50} | ${oneLoad.p99} |`);
  console.log(
    `| PostgreSQL, 2 instances (sum) | ${fmt(a.rps + b.rps)} | ${a.p50} / ${b.p50} | ${a.p99} / ${b.p99} |`,
  );
  console.log(`2 instances / 1 instance: ${fmt((a.rps + b.rps) / oneLoad.rps, 2)}×`);
  console.log(
    `PostgreSQL decision → webhook received (200 concurrent × 3): p50 ${fmt(pgLatency.p50, 1)} ms, p99 ${fmt(pgLatency.p99, 1)} ms`,
  );
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await admin.end();
} else {
  console.log(
    '\nPostgreSQL figures: set CONTRO1_BENCH_DATABASE_URL=postgres://… (a role that may create databases) to include them.',
  );
}
process.exit(0);
