import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CentcomClient } from '@contro1/core';
import { type Harness, startHarness, waitFor } from '@contro1/core/testing';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeCodeHook, type PreToolUseInput } from './commands/claude-code-hook.js';
import { createHub } from './hub/hub.js';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'contro1-cli-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = () => new CentcomClient({ apiKey: h.org.api_key, baseUrl: h.apiUrl });

function cli(
  args: string[],
  options: { stdin?: string; apiKey?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      CENTCOM_API_KEY: options.apiKey ?? h.org.api_key,
      CENTCOM_BASE_URL: h.apiUrl,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Stands in for the human: answers the first open request whose question contains `fragment`. */
async function decide(fragment: string, answer: Record<string, unknown>) {
  const request = await waitFor(async () => {
    const queue = await h.operator(h.org.reviewer_token).get('/operator/queue');
    return (queue.body.data as { id: string; question: string }[]).find((r) => r.question.includes(fragment));
  });
  await h.decide(request.id, answer);
  return request.id;
}

const marker = (name: string) => join(dir, name);
const count = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe('contro1 run', () => {
  it('approved → runs once, exits with the command’s code, and the execution record is in the case', async () => {
    const file = marker('approved.txt');
    const [result] = await Promise.all([
      cli([
        'run',
        '--title',
        'Append approved',
        '--case',
        'case-run-1',
        '--',
        'sh',
        '-c',
        `echo ran >> ${file}; echo out; exit 0`,
      ]),
      decide('Append approved', { approved: true, comment: 'ok' }),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('out\n');
    expect(count(file)).toBe(1);
    const timeline = await client().getCase('case-run-1');
    expect(timeline.items.map((i) => (i.kind === 'request' ? `request:${i.status}` : i.action))).toEqual([
      'request:approved',
      'tool.shell.finished',
    ]);
    const record = timeline.items[1] as unknown as {
      metadata: { exit_code: number; output_sha256: string; output_bytes: number };
    };
    expect(record.metadata).toMatchObject({
      exit_code: 0,
      output_bytes: 4,
      output_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const request = timeline.items[0] as unknown as {
      context: { command: string; cwd: string; command_sha256: string };
    };
    expect(request.context).toMatchObject({
      command: `sh -c echo ran >> ${file}; echo out; exit 0`,
      cwd: dir,
    });
  });

  it('denied → never runs, exit 5; a failing command passes its exit code through', async () => {
    const file = marker('denied.txt');
    const [denied] = await Promise.all([
      cli(['run', '--title', 'Append denied', '--', 'sh', '-c', `echo ran >> ${file}`]),
      decide('Append denied', { approved: false, comment: 'Not today' }),
    ]);
    expect(denied.code).toBe(5);
    expect(denied.stderr).toMatch(/not run, denied by Admin: Not today/);
    expect(count(file)).toBe(0);
    const [failing] = await Promise.all([
      cli(['run', '--title', 'Exit three', '--', 'sh', '-c', 'exit 3']),
      decide('Exit three', { approved: true, comment: 'ok' }),
    ]);
    expect(failing.code).toBe(3);
  });

  it('timeout → exit 6, the request stays open, the detach is recorded, and a late approval runs nothing', async () => {
    const file = marker('late.txt');
    const result = await cli([
      'run',
      '--title',
      'Too slow',
      '--timeout',
      '1',
      '--',
      'sh',
      '-c',
      `echo ran >> ${file}`,
    ]);
    expect(result.code).toBe(6);
    const id = /waiting for approval of (req_\w+)/.exec(result.stderr)?.[1] as string;
    expect((await client().getRequest(id)).state).toBe('queued');
    const detached = await client().listAuditRecords({ action: 'cli.waiter_detached' });
    expect(detached.audit_records.map((r) => (r.in_reply_to as { id: string }).id)).toContain(id);
    await h.decide(id, { approved: true, comment: 'late' });
    await new Promise((r) => setTimeout(r, 300));
    expect(count(file)).toBe(0);
  });

  it('an approval for one command never runs another (hash re-checked)', async () => {
    const pending = await cli(['run', '--title', 'Deploy v1', '--timeout', '1', '--', 'echo', 'deploy-v1']);
    const id = /waiting for approval of (req_\w+)/.exec(pending.stderr)?.[1] as string;
    await h.decide(id, { approved: true, comment: 'v1 only' });
    const other = await cli(['run', '--request', id, '--', 'echo', 'deploy-v2']);
    expect(other.code).toBe(5);
    expect(other.stderr).toMatch(/approved a different command/);
    expect(other.stdout).toBe('');
    const same = await cli(['run', '--request', id, '--', 'echo', 'deploy-v1']);
    expect(same).toMatchObject({ code: 0, stdout: 'deploy-v1\n' });
  });

  it('auth and network failures map to exit 3 and 7', async () => {
    expect((await cli(['requests', 'list'], { apiKey: 'cc_live_wrongkey' })).code).toBe(3);
    const unreachable = spawn(process.execPath, [bin, 'requests', 'list'], {
      env: {
        PATH: process.env.PATH ?? '',
        CENTCOM_API_KEY: 'cc_live_x',
        CENTCOM_BASE_URL: 'http://127.0.0.1:9/api/centcom/v1',
      },
    });
    expect(await new Promise((r) => unreachable.on('close', r))).toBe(7);
    expect((await cli(['doctor'])).code).toBe(0);
  });
});

describe('Claude Code PreToolUse hook', () => {
  const input = (tool_name: string, tool_input: Record<string, unknown>): PreToolUseInput => ({
    session_id: `s-${Math.random()}`,
    cwd: dir,
    hook_event_name: 'PreToolUse',
    tool_name,
    tool_input,
  });
  const rules = { bash: [/\bgit push\b/, /\brm -rf\b/], writeOutside: '.' };

  it('lets unmatched calls through without asking', async () => {
    expect(
      await claudeCodeHook(input('Bash', { command: 'ls -la' }), rules, {
        client: client(),
        timeoutMs: 1000,
      }),
    ).toBeUndefined();
    expect(
      await claudeCodeHook(input('Write', { file_path: join(dir, 'ok.txt') }), rules, {
        client: client(),
        timeoutMs: 1000,
      }),
    ).toBeUndefined();
  });

  it('answers allow after an approval and deny after a rejection, in Claude Code’s format', async () => {
    const [allowed] = await Promise.all([
      claudeCodeHook(input('Bash', { command: 'git push origin main' }), rules, {
        client: client(),
        timeoutMs: 10_000,
        intervalMs: 50,
      }),
      decide('git push origin main', { approved: true, comment: 'ok' }),
    ]);
    expect(allowed).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'allow',
        permissionDecisionReason: expect.stringMatching(/^Approved in Contro1 by Admin/),
      },
    });
    const [denied] = await Promise.all([
      claudeCodeHook(input('Write', { file_path: '/etc/hosts', content: 'x' }), rules, {
        client: client(),
        timeoutMs: 10_000,
        intervalMs: 50,
      }),
      decide('wants to use Write', { approved: false, comment: 'Outside the repo' }),
    ]);
    expect(denied?.hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: 'Not approved in Contro1 (denied: Outside the repo)',
    });
  });

  it('the installed binary reads stdin and prints the decision; undecided denies for now', async () => {
    const result = await cli(['hooks', 'claude-code', '--bash', 'rm -rf', '--timeout', '1'], {
      stdin: JSON.stringify(input('Bash', { command: 'rm -rf build' })),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).hookSpecificOutput).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(/No human decision yet/),
    });
    const snippet = JSON.parse((await cli(['hooks', 'claude-code', 'install', '--bash', 'git push'])).stdout);
    expect(snippet.hooks.PreToolUse[0]).toMatchObject({
      matcher: 'Bash|Write|Edit|MultiEdit|NotebookEdit',
      hooks: [{ type: 'command', command: expect.stringContaining("--bash 'git push'") }],
    });
  });
});

describe('local hub', () => {
  const token = 'hub-token-0123456789';
  let url: string;
  let hub: ReturnType<typeof createHub>;
  let server: ReturnType<typeof serve>;
  beforeAll(async () => {
    hub = createHub({ client: client(), token, defaultCwd: dir, rateLimit: { max: 5, windowMs: 60_000 } });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: hub.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
        url = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = (body: unknown, t = token) =>
    fetch(`${url}/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-agent-token': t },
      body: JSON.stringify(body),
    });
  const get = (path: string) =>
    fetch(`${url}${path}`, { headers: { 'x-agent-token': token } }).then(
      (r) => r.json() as Promise<Record<string, unknown>>,
    );

  it('plan → pending → approve → executed with the exit code recorded; a rejected plan never runs', async () => {
    const file = marker('hub.txt');
    const res = await post({
      command: `echo hub >> ${file}; exit 4`,
      note: 'nightly cleanup',
      timeout_s: 30,
    });
    expect(res.status).toBe(201);
    const plan = (await res.json()) as { pending_id: string; queued: boolean };
    expect(plan.queued).toBe(true);
    expect(((await get('/pending')).pending as { pending_id: string }[]).map((p) => p.pending_id)).toContain(
      plan.pending_id,
    );
    await h.decide(plan.pending_id, { approved: true, comment: 'ok' });
    await hub.tick();
    await hub.idle();
    const done = hub.plans().find((p) => p.pending_id === plan.pending_id);
    expect(done).toMatchObject({ status: 'failed', exit_code: 4, decided_by: 'Admin' });
    expect(count(file)).toBe(1);
    const records = await client().listAuditRecords({ action: 'tool.shell.failed' });
    expect(
      records.audit_records.find((r) => (r.in_reply_to as { id: string }).id === plan.pending_id)?.metadata,
    ).toMatchObject({ exit_code: 4 });

    const rejected = (await (await post({ command: `echo no >> ${marker('hub-no.txt')}` })).json()) as {
      pending_id: string;
    };
    await h.decide(rejected.pending_id, { approved: false, comment: 'no' });
    await hub.tick();
    expect(hub.plans().find((p) => p.pending_id === rejected.pending_id)?.status).toBe('rejected');
    expect(count(marker('hub-no.txt'))).toBe(0);
    expect((await get('/status')).counts).toMatchObject({ failed: 1, rejected: 1 });
  });

  it('kills a command past its timeout and records it', async () => {
    const plan = (await (await post({ command: 'sleep 30', timeout_s: 1 })).json()) as { pending_id: string };
    await h.decide(plan.pending_id, { approved: true, comment: 'ok' });
    await hub.tick();
    await hub.idle();
    expect(hub.plans().find((p) => p.pending_id === plan.pending_id)).toMatchObject({ status: 'timed_out' });
    const records = await client().listAuditRecords({ action: 'tool.shell.failed' });
    expect(
      records.audit_records.find((r) => (r.in_reply_to as { id: string }).id === plan.pending_id)?.metadata,
    ).toMatchObject({ timed_out: true });
  });

  it('401 on a bad token, 400 on a bad plan, 429 on a burst', async () => {
    expect((await post({ command: 'true' }, 'wrong-token-0123456789')).status).toBe(401);
    expect((await fetch(`${url}/status`)).status).toBe(401);
    expect((await post({ command: '' })).status).toBe(400);
    expect((await post({ command: 'true', cwd: 'relative/dir' })).status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post({ command: 'true' })).status);
    expect(statuses).toContain(429);
  });
});

describe('evidence', () => {
  it('gets a packet and verifies it offline with the published keys; a tampered one fails', async () => {
    const created = await client().createRequest({
      type: 'approval',
      question: 'Evidence test',
      context: 'c',
    });
    await h.decide(created.id, { approved: true, comment: 'fine' });
    const file = marker('packet.json');
    expect((await cli(['evidence', 'get', created.id, '--out', file])).code).toBe(0);
    const ok = await cli(['evidence', 'verify', file, '--key', `${h.apiUrl}/evidence/keys`]);
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringMatching(/^VERIFIED: request req_/) });
    const packet = JSON.parse(readFileSync(file, 'utf8'));
    packet.records[0].question = 'Something else';
    writeFileSync(marker('tampered.json'), JSON.stringify(packet));
    const bad = await cli([
      'evidence',
      'verify',
      marker('tampered.json'),
      '--key',
      `${h.apiUrl}/evidence/keys`,
    ]);
    expect(bad).toMatchObject({ code: 1, stdout: 'NOT VERIFIED: record_hash_mismatch (record 0)\n' });
  });
});
