import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAdmin, createServer, createSqliteStore } from '@contro1/core/server';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'contro1-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The README's auditor script, run as written with plain Node against a packet from the real server. */
describe('README: How to verify a packet', () => {
  it('verifies a genuine packet and rejects a tampered one', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const script = /```js\n(\/\/ verify-packet\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeTruthy();
    writeFileSync(join(dir, 'verify-packet.mjs'), script as string);

    const store = createSqliteStore({ path: join(dir, 'db.sqlite') });
    const server = createServer({ store, publicUrl: 'http://127.0.0.1' });
    const org = await createAdmin(store, { baseUrl: 'http://127.0.0.1/api/centcom/v1' }).createOrganisation({
      name: 'Audit',
    });
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await server.fetch(
        new Request(`http://127.0.0.1/api/centcom/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }),
      );
      return res.json() as Promise<Record<string, unknown>>;
    };
    const created = await call('POST', '/requests', org.api_key, {
      type: 'approval',
      question: 'Grüße ✓ "quoted"',
      context: { n: 1.5e-7, list: [1, 'two'] },
    });
    await call('POST', `/operator/queue/${created.id}/respond`, org.reviewer_token, {
      approved: false,
      comment: 'Not today',
    });
    const packet = await call('GET', `/requests/${created.id}/evidence`, org.api_key);
    const keys = await (
      await server.fetch(new Request('http://127.0.0.1/api/centcom/v1/evidence/keys'))
    ).json();
    writeFileSync(join(dir, 'packet.json'), JSON.stringify(packet));
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));

    const ok = await run(process.execPath, ['verify-packet.mjs', 'packet.json', 'keys.json'], { cwd: dir });
    expect(ok.stdout).toMatch(/^VERIFIED: request req_/);

    (packet.records as { comment?: string }[])[2]!.comment = 'Approved';
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(packet));
    const bad = await run(process.execPath, ['verify-packet.mjs', 'tampered.json', 'keys.json'], {
      cwd: dir,
    }).catch((e: { code: number; stdout: string }) => e);
    expect(bad).toMatchObject({ code: 1, stdout: 'NOT VERIFIED: record 2 does not match its chain entry\n' });
    await store.close();
  });
});
