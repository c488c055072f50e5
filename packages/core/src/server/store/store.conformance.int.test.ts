import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresGate, TEST_DATABASE_URL } from '@contro1/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../auth/credentials.js';
import { answerMutation, closeMutation } from '../domain/decide.js';
import { effectivePolicy } from '../domain/policy.js';
import type { NewDelivery, OrgRecord, RequestRecord, ReviewerRecord } from '../model.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { AttemptResult, Store } from './store.js';

/**
 * One conformance suite for every store. PostgreSQL runs against CONTRO1_TEST_DATABASE_URL (default: the role and
 * database `.ci/run` creates on 127.0.0.1); locally it skips with the reason when no server answers.
 */
const PG_URL = TEST_DATABASE_URL;
const pgAvailable = await postgresGate();
const dir = mkdtempSync(join(tmpdir(), 'contro1-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, boolean, () => Promise<Store>][] = [
  [
    'sqlite',
    true,
    async () => createSqliteStore({ path: join(dir, `${randomId('db')}.sqlite`), serving: true }),
  ],
  [
    'postgres',
    pgAvailable,
    () =>
      createPostgresStore({ connectionString: PG_URL, schema: `t_${randomId('s').slice(2, 18)}`, max: 20 }),
  ],
];

const now = Date.parse('2026-11-23T10:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();

function org(id: string): OrgRecord {
  return {
    id,
    name: id,
    webhook_secret: 'whsec_x',
    webhook_secret_previous: null,
    webhook_secret_previous_until: null,
    decision_comment_policy: 'optional',
    callback_allowlist: [],
    created_at: iso(now),
  };
}

function reviewer(orgId: string, name: string): ReviewerRecord {
  return {
    id: randomId('op'),
    org_id: orgId,
    name,
    email: null,
    roles: [],
    is_admin: true,
    token_prefix: 'cco_',
    token_hash: randomId('h'),
    revoked_at: null,
    created_at: iso(now),
  };
}

function request(orgId: string, extra: Partial<RequestRecord> = {}): RequestRecord {
  const id = randomId('req');
  const base: RequestRecord = {
    id,
    org_id: orgId,
    dedupe_key: null,
    fingerprint: 'f',
    claimed_by: null,
    state: 'queued',
    status: 'pending',
    callback_state: 'none',
    type: 'approval',
    question: 'q',
    context: 'c',
    priority: 'normal',
    callback_url: 'http://127.0.0.1:1/hook',
    created_at: iso(now),
    updated_at: iso(now),
    expires_at: iso(now + 600_000),
    responded_at: null,
    state_history: [],
    approval_records: [],
    ...extra,
  };
  base.effective_policy = effectivePolicy(base, []) as unknown as RequestRecord['effective_policy'];
  return base;
}

describe.each(stores)('store conformance: %s', (_name, available, factory) => {
  let store: Store;
  const A = randomId('org');
  const B = randomId('org');
  beforeAll(async () => {
    if (!available) return;
    store = await factory();
    await store.createOrg(org(A));
    await store.createOrg(org(B));
  });
  afterAll(async () => {
    if (available) await store.close();
  });
  const test = available ? it : it.skip;

  test('organisations, keys and reviewers are stored, scoped and revocable', async () => {
    expect((await store.getOrg(A))?.name).toBe(A);
    const r = reviewer(A, 'Dana');
    await store.createReviewer(r);
    expect((await store.findReviewerByTokenHash(r.token_hash))?.id).toBe(r.id);
    expect(await store.getReviewer(B, r.id)).toBeUndefined();
    expect(await store.revokeReviewer(B, r.id, iso(now))).toBe(false);
    expect(await store.revokeReviewer(A, r.id, iso(now))).toBe(true);
    expect(await store.revokeReviewer(A, r.id, iso(now))).toBe(false);
    expect((await store.getReviewer(A, r.id))?.revoked_at).toBe(iso(now));
    await store.updateOrg({ ...org(A), callback_allowlist: ['x'] });
    expect((await store.getOrg(A))?.callback_allowlist).toEqual(['x']);
  });

  test('50 concurrent inserts with one dedupe key make exactly one request; other orgs are separate', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.insertRequest(request(A, { dedupe_key: 'k-1' }))),
    );
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    const ids = new Set(results.map((r) => (r.inserted ? 'new' : r.existing.id)));
    expect(ids.size).toBe(2);
    expect((await store.insertRequest(request(B, { dedupe_key: 'k-1' }))).inserted).toBe(true);
  });

  test('first writer wins: 50 concurrent answers → one final outcome and one outbox row', async () => {
    const r = request(A);
    await store.insertRequest(r);
    const reviewers = Array.from({ length: 5 }, (_, i) => reviewer(A, `r${i}`));
    const byId = new Map(reviewers.map((x) => [x.id, x]));
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => {
        const who = reviewers[i % 5] as ReviewerRecord;
        const m = answerMutation(
          who,
          i % 2 ? { approved: true, comment: 'y' } : { approved: false, comment: 'n' },
          now,
          () => randomId('dlv'),
          {
            policy: r.effective_policy as never,
            ctx: { knownRoles: new Set(), ownerReviewerId: null },
            reviewers: byId,
          },
        );
        return store.mutateRequest(A, r.id, m);
      }),
    );
    const changed = results.filter((x) => x.status === 'fulfilled' && x.value?.changed);
    expect(changed).toHaveLength(1);
    expect(
      results.every((x) => x.status === 'fulfilled' || (x.reason as { status?: number }).status === 409),
    ).toBe(true);
    expect((await store.getDelivery(A, r.id))?.event_id).toMatch(/^evt_/);
    expect(
      await store.mutateRequest(
        B,
        r.id,
        closeMutation('cancelled', 'x', now, () => 'd'),
      ),
    ).toBeUndefined();
  });

  test('a mutation that throws changes nothing', async () => {
    const r = request(A);
    await store.insertRequest(r);
    await expect(
      store.mutateRequest(A, r.id, (current) => {
        void current;
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await store.getRequest(A, r.id))?.state).toBe('queued');
  });

  test('delivery claims never overlap, leases are checked, attempts are logged', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = request(A);
      await store.insertRequest(r);
      await store.mutateRequest(
        A,
        r.id,
        closeMutation('cancelled', 'agent', now, () => randomId('dlv')),
      );
      ids.push(r.id);
    }
    const [first, second] = await Promise.all([
      store.claimDeliveries(now + 1, 60_000, 20, 'lease-1'),
      store.claimDeliveries(now + 1, 60_000, 20, 'lease-2'),
    ]);
    const claimed = [...first, ...second].map((d) => d.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBeGreaterThanOrEqual(30);
    expect(await store.claimDeliveries(now + 2, 60_000, 50, 'lease-3')).toEqual([]);
    const d = first[0] as NewDelivery;
    const result: AttemptResult = {
      attempt: {
        delivery_id: d.id,
        request_id: d.request_id,
        org_id: d.org_id,
        attempt: 1,
        at: iso(now),
        status_code: 200,
        latency_ms: 3,
        error: null,
        claim_token: 'lease-1',
      },
      status: 'delivered',
      nextAttemptAt: null,
      callbackState: 'delivered',
      at: iso(now),
    };
    expect(await store.finishAttempt(d.id, 'lease-2', result)).toBe(false);
    expect(await store.finishAttempt(d.id, 'lease-1', result)).toBe(true);
    expect(await store.finishAttempt(d.id, 'lease-1', result)).toBe(false);
    expect((await store.getRequest(A, d.request_id))?.callback_state).toBe('delivered');
    expect(await store.listAttempts(A, d.request_id)).toHaveLength(1);
    expect((await store.recentAttempts(A, 5))[0]?.status_code).toBe(200);
    expect(await store.claimDeliveries(now + 61_001, 60_000, 100, 'lease-4')).toHaveLength(
      claimed.length - 1,
    );
  });

  test('expirations, filters, cursors and timelines', async () => {
    const soon = request(A, {
      expires_at: iso(now + 1_000),
      thread_id: 'thr_conf',
      correlation_id: 'case-conf',
      trace_id: 'trc_conf',
      agent_id: 'agt_1',
    });
    await store.insertRequest(soon);
    expect((await store.dueExpirations(now + 2_000, 1000)).map((x) => x.id)).toContain(soon.id);
    expect(await store.nextExpiration()).toBeLessThanOrEqual(now + 1_000);
    await store.insertAuditRecord(
      {
        id: randomId('aud'),
        org_id: A,
        recorded_at: iso(now + 5),
        action: 'tool.x.finished',
        summary: 'Paid the invoice',
        outcome: 'success',
        severity: 'info',
        tags: ['pay', 'eu'],
        thread_id: 'thr_conf',
        correlation_id: 'case-conf',
        trace_id: 'trc_child',
        parent_trace_id: 'trc_conf',
        actor: { agent_id: 'agt_1' },
      },
      'ext-1',
    );
    const dup = await store.insertAuditRecord(
      {
        id: randomId('aud'),
        org_id: A,
        recorded_at: iso(now),
        action: 'a',
        summary: 's',
        outcome: 'success',
        severity: 'info',
      },
      'ext-1',
    );
    expect(dup.inserted).toBe(false);
    expect(
      (await store.listAuditRecords(A, { tags: ['pay'], q: 'invoice' }, { limit: 10 })).items,
    ).toHaveLength(1);
    expect((await store.listAuditRecords(A, { tags: ['nope'] }, { limit: 10 })).items).toHaveLength(0);
    expect((await store.listAuditRecords(B, {}, { limit: 10 })).items).toHaveLength(0);
    const page1 = await store.timeline(A, 'thread_id', 'thr_conf', { limit: 1 });
    const page2 = await store.timeline(A, 'thread_id', 'thr_conf', {
      limit: 1,
      cursor: page1.nextCursor ?? undefined,
    });
    expect([page1.items[0]?.kind, page2.items[0]?.kind]).toEqual(['request', 'audit_record']);
    expect(page2.nextCursor).toBeNull();
    expect(await store.childTraces(A, 'trc_conf')).toEqual(['trc_child']);
    expect(
      (await store.listRequests(A, { agent_id: 'agt_1' }, { limit: 10 })).items.map((r) => r.id),
    ).toEqual([soon.id]);
    const p1 = await store.listRequests(A, { open: true }, { limit: 2 });
    const p2 = await store.listRequests(A, { open: true }, { limit: 2, cursor: p1.nextCursor ?? undefined });
    expect(new Set([...p1.items, ...p2.items].map((r) => r.id)).size).toBe(3);
    expect(p2.nextCursor).toBeNull();
    expect(await store.countRequestsByAgent(A, 'agt_1')).toBe(1);
  });

  test('agents and evidence keys', async () => {
    const agent = {
      agent_id: randomId('agt'),
      org_id: A,
      name: 'bot',
      framework: 'x',
      description: null,
      owner: null,
      parent_agent_id: null,
      status: 'active',
      verification_status: 'claimed' as const,
      created_at: iso(now),
    };
    expect((await store.registerAgent(agent)).created).toBe(true);
    expect(await store.registerAgent({ ...agent, agent_id: randomId('agt') })).toMatchObject({
      created: false,
      agent: { agent_id: agent.agent_id },
    });
    expect((await store.listAgents(A, { framework: 'x' })).map((a) => a.agent_id)).toEqual([agent.agent_id]);
    await store.insertEvidenceKey({
      key_id: 'ek_1',
      alg: 'Ed25519',
      public_key: 'p',
      private_key: 's',
      created_at: iso(now),
    });
    await store.insertEvidenceKey({
      key_id: 'ek_2',
      alg: 'Ed25519',
      public_key: 'p',
      private_key: 's',
      created_at: iso(now),
    });
    expect((await store.listEvidenceKeys()).map((k) => k.key_id)).toEqual(['ek_2', 'ek_1']);
  });

  test('console links are single-use under concurrency and expire; sessions are stored and deleted', async () => {
    const link = {
      hash: randomId('h'),
      kind: 'link' as const,
      org_id: A,
      reviewer_id: 'op_1',
      csrf: null,
      expires_at: now + 600_000,
      used_at: null,
    };
    await store.insertConsoleCredential(link);
    const redeemed = await Promise.all(
      Array.from({ length: 20 }, () => store.redeemConsoleLink(link.hash, now)),
    );
    expect(redeemed.filter(Boolean)).toEqual([{ ...link, used_at: now }]);
    const late = { ...link, hash: randomId('h') };
    await store.insertConsoleCredential(late);
    expect(await store.redeemConsoleLink(late.hash, now + 600_000)).toBeUndefined();
    const session = { ...link, hash: randomId('h'), kind: 'session' as const, csrf: 'c' };
    await store.insertConsoleCredential(session);
    expect(await store.redeemConsoleLink(session.hash, now)).toBeUndefined();
    expect(await store.getConsoleCredential(session.hash)).toEqual(session);
    await store.deleteConsoleCredential(session.hash);
    expect(await store.getConsoleCredential(session.hash)).toBeUndefined();
  });
});
