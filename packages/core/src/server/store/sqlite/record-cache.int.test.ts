import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../admin.js';
import { hashSecret } from '../../auth/credentials.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'contro1-record-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The server's store caches credential and organisation lookups; no change may ever be served late. */
describe('SQLite credential and organisation cache', () => {
  const open = async (name: string) => {
    const path = join(dir, name);
    const server = createSqliteStore({ path, serving: true });
    // A second connection to the same file, as the admin CLI opens while the server runs.
    const cli = createSqliteStore({ path });
    const org = await createAdmin(server, { baseUrl: '' }).createOrganisation({ name: 'Cache' });
    return { server, cli, org };
  };

  it('sees a revocation made by another connection on the next lookup', async () => {
    const { server, cli, org } = await open('other.db');
    const keyHash = hashSecret(org.api_key);
    const key = await server.findApiKeyByHash(keyHash);
    expect(key?.revoked_at).toBeNull();
    expect(await server.findApiKeyByHash(keyHash)).toBe(key);

    await createAdmin(cli, { baseUrl: '' }).revokeApiKey(org.org_id, key?.id as string);
    expect((await server.findApiKeyByHash(keyHash))?.revoked_at).toEqual(expect.any(String));

    const tokenHash = hashSecret(org.reviewer_token);
    expect((await server.findReviewerByTokenHash(tokenHash))?.revoked_at).toBeNull();
    expect((await server.listReviewers(org.org_id)).map((r) => r.revoked_at)).toEqual([null]);
    expect((await server.getReviewer(org.org_id, org.reviewer_id))?.revoked_at).toBeNull();
    await createAdmin(cli, { baseUrl: '' }).revokeReviewer(org.org_id, org.reviewer_id);
    expect((await server.findReviewerByTokenHash(tokenHash))?.revoked_at).toEqual(expect.any(String));
    expect((await server.getReviewer(org.org_id, org.reviewer_id))?.revoked_at).toEqual(expect.any(String));
    expect((await server.listReviewers(org.org_id)).map((r) => r.revoked_at)).toEqual([expect.any(String)]);
    await createAdmin(cli, { baseUrl: '' }).createReviewer(org.org_id, {
      name: 'Second',
      roles: ['finance'],
    });
    expect(await server.listReviewers(org.org_id)).toHaveLength(2);

    const before = await server.getOrg(org.org_id);
    const rotated = await createAdmin(cli, { baseUrl: '' }).rotateWebhookSecret(org.org_id);
    const after = await server.getOrg(org.org_id);
    expect(after?.webhook_secret).toBe(rotated.webhook_secret);
    expect(after?.webhook_secret_previous).toBe(before?.webhook_secret);
    await cli.close();
    await server.close();
  });

  it('sees its own writes at once', async () => {
    const { server, cli, org } = await open('own.db');
    const admin = createAdmin(server, { baseUrl: '' });
    const keyHash = hashSecret(org.api_key);
    const key = await server.findApiKeyByHash(keyHash);
    await admin.revokeApiKey(org.org_id, key?.id as string);
    expect((await server.findApiKeyByHash(keyHash))?.revoked_at).toEqual(expect.any(String));

    expect((await server.getOrg(org.org_id))?.webhook_format ?? 'centcom').toBe('centcom');
    await admin.setWebhookFormat(org.org_id, 'standard');
    expect((await server.getOrg(org.org_id))?.webhook_format).toBe('standard');
    const rule = await admin.addPolicyRule(org.org_id, { match: { tool_name: 'pay' }, min_approvals: 2 });
    expect((await server.getOrg(org.org_id))?.policy_rules?.map((r) => r.id)).toEqual([rule.id]);
    await cli.close();
    await server.close();
  });

  it('hands out records no caller can change for the others', async () => {
    const { server, cli, org } = await open('frozen.db');
    await createAdmin(server, { baseUrl: '' }).addPolicyRule(org.org_id, { match: { risk_level: 'high' } });
    const cached = await server.getOrg(org.org_id);
    expect(() => {
      (cached as { name: string }).name = 'changed';
    }).toThrow(TypeError);
    expect(() => cached?.policy_rules?.push(cached.policy_rules[0] as never)).toThrow(TypeError);
    const again = await server.getOrg(org.org_id);
    expect(again?.name).toBe('Cache');
    expect(again?.policy_rules).toHaveLength(1);
    await cli.close();
    await server.close();
  });
});
