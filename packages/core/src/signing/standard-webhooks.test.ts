import { describe, expect, it } from 'vitest';
import { loadVector, type StandardRow } from '../../test/vectors.js';
import { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks.js';

const vectors = loadVector<{ valid: StandardRow[]; invalid: StandardRow[] }>('standard-webhooks.json');
const headersOf = (row: StandardRow) => ({ id: row.id, timestamp: row.timestamp, signature: row.signature });

describe('Standard Webhooks v1', () => {
  it.each(vectors.valid.map((row) => [row.name ?? 'spec vector', row] as const))('valid: %s', (_n, row) => {
    expect(verifyStandardWebhook(row.body, headersOf(row), row.secret, { now: row.now })).toBe(true);
  });

  it.each(vectors.invalid.map((row) => [row.name ?? 'invalid', row] as const))('invalid: %s', (_n, row) => {
    expect(verifyStandardWebhook(row.body, headersOf(row), row.secret, { now: row.now })).toBe(false);
  });

  it('reproduces the spec signature', () => {
    const row = vectors.valid[0]!;
    expect(signStandardWebhook(row.id, row.body, row.secret, row.timestamp)['webhook-signature']).toBe(
      row.signature,
    );
  });

  it('signs with old and new secrets during rotation; a receiver holding either accepts', () => {
    const oldSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const newSecret = 'whsec_abcdefghijklmnopqrstuvwxyz012345';
    const headers = signStandardWebhook('evt_1', '{"a":1}', [newSecret, oldSecret], 1700000000);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    const h = { id: 'evt_1', timestamp: '1700000000', signature: headers['webhook-signature'] };
    expect(verifyStandardWebhook('{"a":1}', h, oldSecret, { now: 1700000000 })).toBe(true);
    expect(verifyStandardWebhook('{"a":1}', h, [newSecret], { now: 1700000000 })).toBe(true);
    expect(verifyStandardWebhook('{"a":1}', h, 'whsec_bm90dGhlcmlnaHRrZXk=', { now: 1700000000 })).toBe(
      false,
    );
    expect(verifyStandardWebhook('{"a":1}', h, oldSecret, { now: 1700000301 })).toBe(false);
    expect(verifyStandardWebhook('{"a":1}', { ...h, id: 'evt_2' }, oldSecret, { now: 1700000000 })).toBe(
      false,
    );
  });
});
