import { describe, expect, it } from 'vitest';
import { loadVector } from '../../test/vectors.js';
import { isApproved, parseDecision } from './decision.js';
import { fromLegacyRequest, inferStatus } from './status.js';

const base = { id: 'req_1', type: 'approval', created_at: '2026-01-01T00:00:00.000Z' };

describe('parseDecision', () => {
  it('reads the approved sample payload', () => {
    const decision = parseDecision(loadVector('webhook-payload-approved.json'));
    expect(decision).toEqual({
      requestId: 'req_9f2c1d7a4b3e',
      outcome: 'approved',
      comment: 'Verified the new bank details with the vendor by phone.',
      structured: expect.objectContaining({ approved: true }),
      decidedBy: 'Dana Finance',
      decidedAt: '2026-11-23T10:04:12.311Z',
    });
    expect(isApproved(decision)).toBe(true);
  });

  it('reads the timed-out sample payload', () => {
    const decision = parseDecision(loadVector('webhook-payload-timed-out.json'));
    expect(decision).toMatchObject({ requestId: 'req_4a8e2b9c0d1f', outcome: 'timed_out' });
    expect(isApproved(decision)).toBe(false);
  });

  it.each([
    [
      'pending with the upstream timed_out quirk',
      { ...base, state: 'assigned', status: 'timed_out' },
      undefined,
    ],
    ['queued', { ...base, state: 'queued', status: 'pending' }, undefined],
    ['callback_failed + approved', { ...base, state: 'callback_failed', status: 'approved' }, 'approved'],
    [
      'answered + resolved is not an approval',
      { ...base, state: 'answered', status: 'resolved' },
      'resolved',
    ],
    ['expired', { ...base, state: 'expired' }, 'timed_out'],
    [
      'cancelled even if status says approved',
      { ...base, state: 'cancelled', status: 'approved' },
      'cancelled',
    ],
    ['rejected alias', { ...base, state: 'answered', status: 'rejected' }, 'denied'],
    ['unknown status on an answered request', { ...base, state: 'answered', status: 'maybe' }, 'denied'],
    [
      'approved status but approved:false',
      { ...base, state: 'closed', status: 'approved', response: { approved: false } },
      'denied',
    ],
    ['legacy approved boolean', { ...base, state: 'answered', response: { approved: true } }, 'approved'],
    [
      'legacy yes_no value',
      { ...base, state: 'answered', type: 'yes_no', response: { value: false } },
      'denied',
    ],
    [
      'free_text without boolean',
      { ...base, state: 'answered', type: 'free_text', response: { value: 'hi' } },
      'provided_input',
    ],
    ['answered without anything', { ...base, state: 'answered' }, 'resolved'],
    ['protocol-only response', { request_id: 'req_1', status: 'approved', resolved_at: 'x' }, 'approved'],
    [
      'protocol_response nested only',
      { protocol_response: { request_id: 'req_1', status: 'denied' } },
      'denied',
    ],
    ['no state and unknown status', { request_id: 'req_1', status: 'weird' }, undefined],
  ])('%s', (_name, input, expected) => {
    expect(parseDecision(input)?.outcome).toBe(expected);
  });

  it('returns undefined for non-objects and id-less objects', () => {
    for (const value of [null, 1, 'approved', [], { status: 'approved' }])
      expect(parseDecision(value)).toBeUndefined();
  });

  it('isApproved is false for nothing', () => {
    expect(isApproved(undefined)).toBe(false);
    expect(isApproved(null)).toBe(false);
  });
});

describe('fromLegacyRequest (SDK-PY behaviour)', () => {
  it('answered without a boolean gives provided_input / resolved, not approved', () => {
    expect(inferStatus({ ...base, state: 'answered', type: 'free_text' })).toBe('provided_input');
    expect(inferStatus({ ...base, state: 'answered' })).toBe('resolved');
    expect(inferStatus({ ...base, state: 'assigned' })).toBe('timed_out');
  });

  it('builds the full Contro1Response', () => {
    const response = fromLegacyRequest({
      ...base,
      state: 'callback_delivered',
      response: { approved: false, comment: '  ', reason: 'too risky', operator: { id: 'op_1' } },
      responded_by: 'Dana',
      responded_at: '2026-01-02T00:00:00.000Z',
    });
    expect(response).toEqual({
      request_id: 'req_1',
      status: 'denied',
      operator: { id: 'op_1', name: 'Dana' },
      message: 'too risky',
      structured_response: { approved: false, comment: '  ', reason: 'too risky', operator: { id: 'op_1' } },
      decision_type: 'reject',
      resolved_at: '2026-01-02T00:00:00.000Z',
    });
  });

  it('uses metadata.operator and falls back to created_at', () => {
    const response = fromLegacyRequest({
      ...base,
      state: 'expired',
      metadata: { operator: { name: 'Ops' } },
    });
    expect(response).toEqual({
      request_id: 'req_1',
      status: 'timed_out',
      operator: { name: 'Ops' },
      resolved_at: base.created_at,
    });
  });
});
