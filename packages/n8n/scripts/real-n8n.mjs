// Opt-in, outside CI: loads the built node into a real n8n on 127.0.0.1 and runs a workflow through pause and
// resume against the reference server. n8n 2.x needs Node >= 24 and a large install, so both are given from outside:
//
//   N8N_HOME=/path/with/node_modules/n8n  NODE24=/path/to/node24/bin/node \
//   N8N_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/n8n_db  node scripts/real-n8n.mjs
//
// n8n's own database is PostgreSQL here because its SQLite driver is a native module that may not build offline.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const need = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see the header of this script).`);
  return value;
};
const N8N_HOME = need('N8N_HOME');
const NODE24 = need('NODE24');
const db = new URL(need('N8N_DATABASE_URL'));
const here = new URL('..', import.meta.url).pathname;
const repo = new URL('../../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'contro1-real-n8n-'));
const children = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
const log = (line) => console.log(`[real-n8n] ${line}`);
const waitFor = async (what, check, ms = 120_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};

// 1. The reference server (Node 20, this repository) in development mode.
const server = spawn(
  process.execPath,
  [
    '--conditions=@contro1/source',
    '--import',
    'tsx',
    'src/main.ts',
    'start',
    '--dev',
    '--port',
    '0',
    '--db',
    join(dir, 'centcom.db'),
  ],
  {
    cwd: join(repo, 'apps/server'),
    env: { ...process.env, CONTRO1_ALLOW_LOOPBACK_CALLBACKS: 'true', LOG_LEVEL: 'warn' },
  },
);
children.push(server);
let printed = '';
server.stdout.on('data', (d) => (printed += d));
const vars = await waitFor('the reference server', async () => {
  const v = Object.fromEntries([...printed.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  return v.CONTRO1_REVIEWER_TOKEN ? v : undefined;
});
log(`reference server at ${vars.CENTCOM_BASE_URL}`);

// 2. A local "payments service" that records which branch the workflow took.
const calls = [];
const payments = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    calls.push({ path: req.url, body: body ? JSON.parse(body) : null });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
await new Promise((r) => payments.listen(0, '127.0.0.1', r));
const paymentsUrl = `http://127.0.0.1:${payments.address().port}`;

// 3. The package installed as n8n installs community packages: <user folder>/.n8n/nodes/node_modules/<name>.
const userFolder = join(dir, 'n8n');
const pkgDir = join(userFolder, '.n8n/nodes/node_modules/n8n-nodes-contro1');
mkdirSync(pkgDir, { recursive: true });
cpSync(join(here, 'dist'), join(pkgDir, 'dist'), { recursive: true });
cpSync(join(here, 'package.json'), join(pkgDir, 'package.json'));
symlinkSync(
  join(N8N_HOME, 'node_modules/n8n-workflow'),
  join(userFolder, '.n8n/nodes/node_modules/n8n-workflow'),
);

const port = 5688;
const env = {
  ...process.env,
  N8N_USER_FOLDER: userFolder,
  N8N_PORT: String(port),
  N8N_RUNNERS_BROKER_PORT: String(port + 1),
  N8N_LISTEN_ADDRESS: '127.0.0.1',
  N8N_HOST: '127.0.0.1',
  WEBHOOK_URL: `http://127.0.0.1:${port}/`,
  N8N_DIAGNOSTICS_ENABLED: 'false',
  N8N_PERSONALIZATION_ENABLED: 'false',
  N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
  N8N_TEMPLATES_ENABLED: 'false',
  N8N_SECURE_COOKIE: 'false',
  N8N_ENCRYPTION_KEY: 'real-n8n-script-only',
  DB_TYPE: 'postgresdb',
  DB_POSTGRESDB_HOST: db.hostname,
  DB_POSTGRESDB_PORT: db.port || '5432',
  DB_POSTGRESDB_DATABASE: db.pathname.slice(1),
  DB_POSTGRESDB_USER: decodeURIComponent(db.username),
  DB_POSTGRESDB_PASSWORD: decodeURIComponent(db.password),
  DB_POSTGRESDB_SCHEMA: `run_${Date.now()}`,
};
const n8nBin = join(N8N_HOME, 'node_modules/n8n/bin/n8n');
const n8n = (...args) =>
  execFileSync(NODE24, [n8nBin, ...args], {
    env,
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

// 4. Credentials and the workflow, imported with n8n's own CLI.
const credentials = [
  {
    id: 'c0ntro1creds0001',
    name: 'Contro1 account',
    type: 'contro1Api',
    data: {
      baseUrl: vars.CENTCOM_BASE_URL,
      apiKey: vars.CENTCOM_API_KEY,
      webhookSecret: vars.CENTCOM_WEBHOOK_SECRET,
    },
  },
];
writeFileSync(join(dir, 'credentials.json'), JSON.stringify(credentials));
const post = (name, path, position) => ({
  id: `${name}-id`.padEnd(36, '0').slice(0, 36),
  name,
  type: 'n8n-nodes-base.httpRequest',
  typeVersion: 4.2,
  position,
  parameters: {
    method: 'POST',
    url: `${paymentsUrl}${path}`,
    sendBody: true,
    specifyBody: 'json',
    jsonBody:
      '={{ JSON.stringify({ status: $json.status, comment: $json.comment, decided_by: $json.decided_by }) }}',
    options: {},
  },
});
const workflow = {
  id: 'c0ntro1wf0000001',
  name: 'Contro1 real-n8n check',
  active: false,
  nodes: [
    {
      id: '11111111-1111-4111-8111-111111111111',
      name: 'Refund requested',
      type: 'n8n-nodes-base.webhook',
      typeVersion: 2,
      position: [0, 0],
      webhookId: '22222222-2222-4222-8222-222222222222',
      parameters: { httpMethod: 'POST', path: 'refund-request', responseMode: 'onReceived', options: {} },
    },
    {
      id: '33333333-3333-4333-8333-333333333333',
      name: 'Contro1 Approval',
      type: 'n8n-nodes-contro1.contro1',
      typeVersion: 1,
      position: [260, 0],
      webhookId: '44444444-4444-4444-8444-444444444444',
      parameters: {
        resource: 'request',
        operation: 'sendAndWait',
        question: '=Refund order {{ $json.body.order }} of {{ $json.body.amount }} EUR?',
        toolName: 'refund',
        toolInput: '={{ JSON.stringify($json.body) }}',
        additionalFields: { riskLevel: 'low' },
      },
      credentials: { contro1Api: { id: credentials[0].id, name: credentials[0].name } },
    },
    post('Send refund', '/refund', [520, -160]),
    post('Refund refused', '/refused', [520, 0]),
    post('Nobody decided', '/timed-out', [520, 160]),
  ],
  connections: {
    'Refund requested': { main: [[{ node: 'Contro1 Approval', type: 'main', index: 0 }]] },
    'Contro1 Approval': {
      main: [
        [{ node: 'Send refund', type: 'main', index: 0 }],
        [{ node: 'Refund refused', type: 'main', index: 0 }],
        [{ node: 'Nobody decided', type: 'main', index: 0 }],
      ],
    },
  },
  settings: { executionOrder: 'v1' },
};
writeFileSync(join(dir, 'workflow.json'), JSON.stringify(workflow));
log(
  n8n('import:credentials', `--input=${join(dir, 'credentials.json')}`)
    .trim()
    .split('\n')
    .pop(),
);
log(
  n8n('import:workflow', `--input=${join(dir, 'workflow.json')}`)
    .trim()
    .split('\n')
    .pop(),
);
log(n8n('publish:workflow', `--id=${workflow.id}`).trim().split('\n').pop());

// 5. n8n itself, then two executions: one approved, one rejected.
const n8nProcess = spawn(NODE24, [n8nBin, 'start'], { env, cwd: dir });
children.push(n8nProcess);
let n8nLog = '';
n8nProcess.stdout.on('data', (d) => (n8nLog += d));
n8nProcess.stderr.on('data', (d) => (n8nLog += d));
n8nProcess.on('exit', (code) => log(`n8n exited ${code}:\n${n8nLog.slice(-3000)}`));
await waitFor(
  'n8n to answer /healthz',
  async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
  240_000,
);
log('n8n is up');

const api = (path, init = {}) =>
  fetch(`${vars.CENTCOM_BASE_URL}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${vars.CONTRO1_REVIEWER_TOKEN}`, 'content-type': 'application/json' },
  }).then((r) => r.json());

async function story(order, answer, expectedPath) {
  // Until migrations finish and the workflow is activated, n8n answers 404 (nothing runs on a 404).
  const started = await waitFor(
    'the workflow webhook',
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/webhook/refund-request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order, amount: 120 }),
      });
      return res.status === 404 ? undefined : res;
    },
    300_000,
  );
  if (!started.ok)
    throw new Error(
      `webhook trigger answered ${started.status}: ${await started.text()}\n${n8nLog.slice(-2000)}`,
    );
  const request = await waitFor(`the request for ${order}`, async () => {
    const queue = await api('/operator/queue');
    return queue.data.find((r) => r.question.includes(order));
  });
  log(`${order}: n8n created ${request.request_id} and waits (${request.external_request_id})`);
  const decided = await api(`/operator/queue/${request.request_id}/respond`, {
    method: 'POST',
    body: JSON.stringify(answer),
  });
  log(`${order}: reviewer answered → ${decided.data.outcome}`);
  const call = await waitFor(
    `n8n to resume ${order} on ${expectedPath}`,
    async () => calls.find((c) => c.path === expectedPath && c.body?.status === decided.data.outcome),
    60_000,
  );
  log(`${order}: the workflow resumed and called ${call.path} with ${JSON.stringify(call.body)}`);
  return call;
}

const approved = await story('A-9001', { approved: true, comment: 'ok by real-n8n script' }, '/refund');
const rejected = await story('A-9002', { approved: false, comment: 'not this one' }, '/refused');
const ok =
  approved.body.status === 'approved' &&
  rejected.body.status === 'denied' &&
  !calls.some((c) => c.path === '/timed-out');
log(
  ok
    ? 'PASS: pause → approve → Approved branch; pause → reject → Rejected branch'
    : `FAIL: ${JSON.stringify(calls)}`,
);
process.exit(ok ? 0 : 1);
