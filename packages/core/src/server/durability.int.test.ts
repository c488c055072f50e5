import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, startReceiver, waitFor } from '../testing/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'contro1-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durability across restarts', () => {
  it('an expiry that falls due while the server is down fires after restart, once', async () => {
    const dbPath = join(dir, 'restart.db');
    const first = await startHarness({ dbPath });
    const receiver = await startReceiver(first.org.webhook_secret, first.client);
    const created = await first.client.createProtocolRequest({
      title: 'Expires while down',
      request_type: 'approval',
      source: { integration: 'test' },
      continuation: {
        mode: 'decision',
        callback_url: receiver.url,
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    await first.close({ keepDb: true });

    // The restarted server's clock is two minutes later: the deadline passed while it was down.
    const later = () => Date.now() + 120_000;
    const second = await startHarness({ dbPath, org: first.org, port: first.port, clock: later });
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id), 5_000);
    expect(decision.outcome).toBe('timed_out');
    expect(receiver.raw.filter((r) => r.body.request_id === created.id)).toHaveLength(1);
    await receiver.close();
    await second.close({ keepDb: true });
  });

  it('a decision committed while delivery is impossible is delivered after restart', async () => {
    const dbPath = join(dir, 'outbox.db');
    const first = await startHarness({ dbPath, pollMs: 60_000 });
    await first.server.stop();
    const receiver = await startReceiver(first.org.webhook_secret, first.client);
    const created = await first.client.createRequest({
      type: 'approval',
      question: 'q',
      context: 'c',
      callback_url: receiver.url,
    });
    await first
      .operator(first.org.reviewer_token)
      .post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'ok' });
    expect(receiver.raw).toHaveLength(0);
    await first.close({ keepDb: true });

    const second = await startHarness({ dbPath, org: first.org, port: first.port });
    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id), 5_000);
    expect(decision.outcome).toBe('approved');
    await receiver.close();
    await second.close({ keepDb: true });
  });

  it('an injected clock drives expiry deterministically', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const h = await startHarness({ dbPath: join(dir, 'clock.db'), clock: () => now, pollMs: 3_600_000 });
    await h.server.stop();
    const created = await h.client.createRequest({
      type: 'approval',
      question: 'q',
      context: 'c',
      sla_minutes: 5,
    });
    expect(created.expires_at).toBe('2026-11-23T10:05:00.000Z');
    now += 4 * 60_000;
    expect(await h.server.expiry.runOnce()).toBe(0);
    now += 61_000;
    expect(await h.server.expiry.runOnce()).toBe(1);
    expect(await h.client.getRequest(created.id)).toMatchObject({ state: 'expired', status: 'timed_out' });
    await h.close({ keepDb: true });
  });
});

describe('SSRF guard in delivery', () => {
  it('refuses a callback host that resolves to a private address, without sending anything', async () => {
    const lookups: string[] = [];
    const h = await startHarness({
      dbPath: join(dir, 'ssrf.db'),
      allowLoopbackCallbacks: false,
      lookup: async (host) => {
        lookups.push(host);
        return [{ address: '10.0.0.7', family: 4 }];
      },
    });
    const created = await h.client.createRequest({
      type: 'approval',
      question: 'q',
      context: 'c',
      callback_url: 'https://hooks.example.test/cb?token=abc',
    });
    await h
      .operator(h.org.reviewer_token)
      .post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'ok' });
    const log = await waitFor(async () => {
      const r = await fetch(`${h.apiUrl}/requests/${created.id}/deliveries`, {
        headers: { authorization: `Bearer ${h.org.api_key}` },
      });
      const body = (await r.json()) as { attempts: { error: string | null; status_code: number | null }[] };
      return body.attempts.length > 0 && body;
    });
    expect(lookups).toEqual(['hooks.example.test']);
    expect(log.attempts[0]).toMatchObject({
      status_code: null,
      error: expect.stringMatching(/private address; refused/),
    });
    await h.close({ keepDb: true });
  });
});
