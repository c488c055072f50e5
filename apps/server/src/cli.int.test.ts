import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CentcomClient } from '@contro1/core';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const main = new URL('./main.ts', import.meta.url).pathname;
// tsx is resolved from the package, so children run in the package directory; every path they use is absolute.
const packageDir = new URL('..', import.meta.url).pathname;
const nodeArgs = ['--conditions=@contro1/source', '--import', 'tsx', main];
const dir = mkdtempSync(join(tmpdir(), 'contro1-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const { stdout } = await run(process.execPath, [...nodeArgs, ...args], { cwd: packageDir });
  return JSON.parse(stdout) as Record<string, unknown> & Record<string, unknown>[];
}

/** Starts the real server process and collects the lines it prints before it is ready. */
function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; vars: Record<string, string>; stderr: () => string }> {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: packageDir,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const vars = Object.fromEntries(
        out
          .split('\n')
          .filter((l) => /^[A-Z0-9_]+=/.test(l))
          .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
      const ready = args.includes('--dev') ? vars.CONTRO1_REVIEWER_TOKEN : vars.CENTCOM_BASE_URL;
      if (ready) resolve({ child, vars, stderr: () => err });
    });
  });
}

describe('contro1-server process', () => {
  it('--dev serves /health and accepts a create with the printed key; restart prints the same credentials', async () => {
    const db = join(dir, 'dev.db');
    const { child, vars } = await startProcess(['start', '--dev', '--port', '0', '--db', db]);
    expect(vars.CENTCOM_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/centcom\/v1$/);
    expect(vars.CENTCOM_API_KEY).toMatch(/^cc_test_[a-z0-9]{40}$/);
    expect(vars.CENTCOM_WEBHOOK_SECRET).toMatch(/^whsec_[a-z0-9]{32}$/);
    expect(vars.CONTRO1_REVIEWER_TOKEN).toMatch(/^cco_[a-z0-9]{40}$/);
    const health = await fetch(new URL('/health', vars.CENTCOM_BASE_URL));
    expect(await health.json()).toMatchObject({ ok: true });
    const client = new CentcomClient({ apiKey: vars.CENTCOM_API_KEY, baseUrl: vars.CENTCOM_BASE_URL });
    const created = await client.createRequest({ type: 'approval', question: 'Deploy?', context: 'api v2' });
    expect(created.state).toBe('queued');
    expect(statSync(`${db}.dev-credentials.json`).mode & 0o777).toBe(0o600);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const again = await startProcess(['start', '--dev', '--port', '0', '--db', db]);
    expect(again.vars.CENTCOM_API_KEY).toBe(vars.CENTCOM_API_KEY);
    const client2 = new CentcomClient({
      apiKey: again.vars.CENTCOM_API_KEY,
      baseUrl: again.vars.CENTCOM_BASE_URL,
    });
    expect((await client2.getRequest(created.id)).id).toBe(created.id);
    again.child.kill('SIGTERM');
  });

  it('invalid configuration stops start-up with one sentence and exit code 2', async () => {
    const result = await run(process.execPath, [...nodeArgs, 'start', '--port', 'nope'], {
      cwd: packageDir,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'contro1-server: PORT must be a whole number from 0 to 65535, not "nope".',
    );
  });

  it('admin commands create, list and revoke; secrets are shown once and never listed', async () => {
    const db = join(dir, 'admin.db');
    const org = await cli('admin', 'org', 'create', '--name', 'Finance Co', '--db', db);
    expect(Object.keys(org).sort()).toEqual([
      'api_key',
      'base_url',
      'org_id',
      'reviewer_id',
      'reviewer_token',
      'webhook_secret',
    ]);
    const orgId = org.org_id as string;
    const reviewer = await cli(
      'admin',
      'reviewer',
      'create',
      '--org',
      orgId,
      '--name',
      'Dana',
      '--role',
      'finance',
      '--role',
      'payments',
      '--db',
      db,
    );
    expect(reviewer).toMatchObject({
      name: 'Dana',
      roles: ['finance', 'payments'],
      reviewer_token: expect.stringMatching(/^cco_/),
    });
    const key = await cli('admin', 'api-key', 'create', '--org', orgId, '--label', 'bot', '--db', db);
    const rule = await cli(
      'admin',
      'rule',
      'add',
      '--org',
      orgId,
      '--risk',
      'high',
      '--min-approvals',
      '2',
      '--comment-required',
      '--db',
      db,
    );
    expect(rule).toMatchObject({ match: { risk_level: 'high' }, min_approvals: 2, comment_required: true });
    expect(await cli('admin', 'rule', 'list', '--org', orgId, '--db', db)).toHaveLength(1);
    const reviewers = await cli('admin', 'reviewer', 'list', '--org', orgId, '--db', db);
    expect(reviewers.map((r) => r.name)).toEqual(expect.arrayContaining(['Admin', 'Dana']));
    const keys = await cli('admin', 'api-key', 'list', '--org', orgId, '--db', db);
    expect(keys).toHaveLength(2);
    const listed = JSON.stringify([reviewers, keys]);
    expect(listed).not.toContain(key.api_key as string);
    expect(listed).not.toContain('hash');

    const { child, vars } = await startProcess(['start', '--port', '0', '--db', db]);
    const client = new CentcomClient({
      apiKey: key.api_key as string,
      baseUrl: vars.CENTCOM_BASE_URL,
      retries: 0,
    });
    await client.createRequest({ type: 'approval', question: 'q', context: 'c' });
    const risky = await client.createRequest({
      type: 'approval',
      question: 'q',
      context: 'c',
      risk_level: 'critical',
    });
    expect(risky.effective_policy).toMatchObject({ mode: 'threshold', rules_applied: [rule.id] });
    expect(
      await cli('admin', 'api-key', 'revoke', '--org', orgId, '--id', key.id as string, '--db', db),
    ).toEqual({ revoked: true });
    await expect(client.listRequests()).rejects.toMatchObject({ status: 401 });

    // A single-use console link, printed by the CLI and redeemed once against the running server.
    const link = await cli(
      'admin',
      'reviewer',
      'login-link',
      '--org',
      orgId,
      '--id',
      reviewer.id as string,
      '--db',
      db,
      '--public-url',
      String(vars.CENTCOM_BASE_URL).replace('/api/centcom/v1', ''),
    );
    expect(link.url).toMatch(/\/console\/login#code=cl_[\w-]+$/);
    const code = new URL(link.url as string).hash.slice('#code='.length);
    const redeem = () =>
      fetch(`${new URL(link.url as string).origin}/console/auth/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    expect((await redeem()).status).toBe(200);
    expect((await redeem()).status).toBe(401);
    child.kill('SIGTERM');
  }, 120_000);
});
