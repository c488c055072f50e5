import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidencePacket } from '../evidence/verify.js';
import type { EvidenceKey, EvidencePacket } from '../protocol/evidence.js';
import { EVIDENCE_CSV_COLUMNS } from '../protocol/evidence.js';
import { canonicalJson } from '../signing/canonical-json.js';
import { type Harness, startHarness, startReceiver, waitFor } from '../testing/harness.js';
import { recordExecution } from '../tracing/execution-trace.js';

let h: Harness;
let packet: EvidencePacket;
let keys: EvidenceKey[];
let requestId: string;

const getJson = async <T>(path: string, auth = true): Promise<T> => {
  const res = await fetch(
    `${h.apiUrl}${path}`,
    auth ? { headers: { authorization: `Bearer ${h.org.api_key}` } } : {},
  );
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const clone = <T>(v: T): T => structuredClone(v);

beforeAll(async () => {
  h = await startHarness();
  const receiver = await startReceiver(h.org.webhook_secret, h.client);
  const agent = await h.client.registerAgent({ name: 'refund-bot' });
  const created = await h.client.createRequest({
    type: 'approval',
    question: 'Refund order 77?',
    context: { tool_name: 'refund', tool_input: { order: 77, amount: 120 } },
    callback_url: `${receiver.url}?sig=hidden`,
    actor: { agent_id: agent.agent.agent_id },
    correlation_id: 'case-77',
    trace_id: 'trc_refund',
  });
  requestId = created.id;
  await h
    .operator(h.org.reviewer_token)
    .post(`/operator/queue/${created.id}/respond`, { approved: true, comment: 'Customer verified' });
  const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === created.id));
  await recordExecution(h.client, {
    requestId: created.id,
    toolName: 'refund',
    outcome: 'finished',
    integration: 'test',
    decision,
    correlationId: 'case-77',
  });
  await waitFor(async () => (await h.client.getRequest(created.id)).state === 'callback_delivered');
  packet = await getJson<EvidencePacket>(`/requests/${created.id}/evidence`);
  keys = (await getJson<{ keys: EvidenceKey[] }>('/evidence/keys', false)).keys;
  await receiver.close();
});
afterAll(() => h.close());

describe('request evidence packets', () => {
  it('contain the request, policy, decision, delivery attempts and execution record, and verify with the published key', () => {
    expect(packet).toMatchObject({
      packet_version: 1,
      kind: 'request',
      subject: requestId,
      chain: { alg: 'sha256' },
      signature: { alg: 'Ed25519' },
    });
    expect(packet.records.map((r) => r.record_type)).toEqual([
      'request',
      'policy',
      'decision',
      'delivery_attempt',
      'audit_record',
    ]);
    expect(packet.records[2]).toMatchObject({
      decision: 'approved',
      comment: 'Customer verified',
      reviewer: { name: 'Admin' },
    });
    expect(packet.records[4]).toMatchObject({
      action: 'tool.refund.finished',
      in_reply_to: { id: requestId },
    });
    expect(JSON.stringify(packet)).not.toContain('sig=hidden');
    expect(keys).toHaveLength(1);
    expect(keys[0]!.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(verifyEvidencePacket(packet, keys)).toEqual({ ok: true });
  });

  it('any changed byte in any record fails with the record it is in', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 32, max: 126 }), (recordPick, posPick, code) => {
        const i = recordPick % packet.records.length;
        const text = JSON.stringify(packet.records[i]);
        const pos = posPick % text.length;
        const mutated = text.slice(0, pos) + String.fromCharCode(code) + text.slice(pos + 1);
        let record: unknown;
        try {
          record = JSON.parse(mutated);
        } catch {
          return true;
        }
        if (
          typeof record !== 'object' ||
          record === null ||
          canonicalJson(record) === canonicalJson(packet.records[i])
        )
          return true;
        const tampered = clone(packet);
        tampered.records[i] = record as (typeof tampered.records)[number];
        const result = verifyEvidencePacket(tampered, keys);
        return result.ok === false && result.reason === 'record_hash_mismatch' && result.failedRecord === i;
      }),
      { seed: 77, numRuns: 400 },
    );
  });

  it('dropping, reordering, a new root or another key each fail with their reason', async () => {
    const dropped = clone(packet);
    dropped.records.splice(1, 1);
    expect(verifyEvidencePacket(dropped, keys)).toEqual({ ok: false, reason: 'chain_length_mismatch' });
    const droppedBoth = clone(packet);
    droppedBoth.records.pop();
    droppedBoth.chain.entries.pop();
    expect(verifyEvidencePacket(droppedBoth, keys)).toEqual({ ok: false, reason: 'root_mismatch' });
    const reordered = clone(packet);
    [reordered.records[1], reordered.records[2]] = [reordered.records[2]!, reordered.records[1]!];
    expect(verifyEvidencePacket(reordered, keys)).toEqual({
      ok: false,
      reason: 'record_hash_mismatch',
      failedRecord: 1,
    });
    const rooted = clone(packet);
    rooted.chain.root = 'f'.repeat(64);
    expect(verifyEvidencePacket(rooted, keys)).toEqual({ ok: false, reason: 'root_mismatch' });
    const resigned = clone(packet);
    resigned.subject = 'req_other';
    expect(verifyEvidencePacket(resigned, keys)).toEqual({ ok: false, reason: 'bad_signature' });
    const { generateKeyPairSync } = await import('node:crypto');
    const otherPem = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(verifyEvidencePacket(packet, [{ key_id: packet.signature.key_id, public_key: otherPem }])).toEqual(
      { ok: false, reason: 'bad_signature' },
    );
    expect(verifyEvidencePacket(packet, [{ key_id: 'ek_other', public_key: otherPem }])).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
    expect(verifyEvidencePacket({ packet_version: 2 }, keys)).toEqual({
      ok: false,
      reason: 'malformed_packet',
    });
  });

  it('key rotation keeps old packets verifiable and signs new ones with the new key', async () => {
    const rotated = await h.admin.rotateEvidenceKey();
    const published = (await getJson<{ keys: EvidenceKey[] }>('/evidence/keys', false)).keys;
    expect(published.map((k) => k.key_id)).toEqual([rotated.key_id, packet.signature.key_id]);
    expect(verifyEvidencePacket(packet, published)).toEqual({ ok: true });
    const fresh = await getJson<EvidencePacket>(`/requests/${requestId}/evidence`);
    expect(fresh.signature.key_id).toBe(rotated.key_id);
    expect(verifyEvidencePacket(fresh, published)).toEqual({ ok: true });
  });

  it('CSV has the 14.6 header and one row per record', async () => {
    const res = await fetch(`${h.apiUrl}/requests/${requestId}/evidence?format=csv`, {
      headers: { authorization: `Bearer ${h.org.api_key}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'recorded_at,kind,id,action_or_question,status_or_outcome,actor_agent_id,decided_by,trace_id,correlation_id,record_hash',
    );
    expect(lines[0]!.split(',')).toEqual([...EVIDENCE_CSV_COLUMNS]);
    expect(lines).toHaveLength(1 + packet.records.length);
  });

  it('agent evidence packets verify, in JSON and CSV, and are tenant-scoped', async () => {
    const agents = await h.client.listAgents();
    const agentId = agents.agents[0]!.agent_id;
    const agentPacket = await h.client.getAgentEvidence(agentId, { limit: 10 });
    expect(
      verifyEvidencePacket(
        agentPacket,
        keys.concat((await getJson<{ keys: EvidenceKey[] }>('/evidence/keys', false)).keys),
      ),
    ).toEqual({ ok: true });
    const csv = (await h.client.getAgentEvidence(agentId, { format: 'csv' })) as string;
    expect(csv.split('\r\n')[0]).toBe(EVIDENCE_CSV_COLUMNS.join(','));
    const other = await h.admin.createOrganisation({ name: 'Other' });
    await expect(h.clientFor(other.api_key).getRequestEvidence(requestId)).rejects.toMatchObject({
      status: 404,
    });
    await expect(h.clientFor(other.api_key).getAgentEvidence(agentId)).rejects.toMatchObject({ status: 404 });
  });
});
