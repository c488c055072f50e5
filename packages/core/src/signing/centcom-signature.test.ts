import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadVector, type SignatureRow, vectorsDir } from '../../test/vectors.js';
import { signWebhook, verifyWebhook } from './centcom-signature.js';

const vectors = loadVector<{ valid: SignatureRow[]; invalid: SignatureRow[] }>(
  'centcom-webhook-signatures.json',
);

describe('X-CentCom-Signature vectors', () => {
  it.each(vectors.valid.map((row) => [row.name ?? row.signature, row] as const))(
    'valid: %s',
    (_name, row) => {
      expect(verifyWebhook(row.body, row.signature, row.timestamp, row.secret, { now: row.now })).toBe(true);
      expect(
        verifyWebhook(Buffer.from(row.body, 'utf8'), row.signature, row.timestamp, row.secret, {
          now: row.now,
        }),
      ).toBe(true);
      expect(signWebhook(row.body, row.secret, row.timestamp).signature).toBe(row.signature.toLowerCase());
    },
  );

  it.each(vectors.invalid.map((row) => [row.name ?? row.signature, row] as const))(
    'invalid: %s',
    (_name, row) => {
      expect(verifyWebhook(row.body, row.signature, row.timestamp, row.secret, { now: row.now })).toBe(false);
    },
  );

  it('keeps the in-repo copy identical to ../shared/vectors when that folder is present', () => {
    const shared = new URL('../../../../../shared/vectors/centcom-webhook-signatures.json', import.meta.url);
    if (!existsSync(shared)) return;
    expect(readFileSync(new URL('centcom-webhook-signatures.json', vectorsDir), 'utf8')).toBe(
      readFileSync(shared, 'utf8'),
    );
  });
});

describe('verifyWebhook input handling', () => {
  const body = '{"request_id":"req_1","status":"approved"}';
  const { signature, timestamp } = signWebhook(body, 'whsec_test_secret', 1700000000);

  it('refuses missing or malformed pieces without throwing', () => {
    const now = { now: 1700000000 };
    expect(verifyWebhook(body, signature, timestamp, '', now)).toBe(false);
    expect(verifyWebhook(body, signature, timestamp, undefined, now)).toBe(false);
    expect(verifyWebhook(body, null, timestamp, 'whsec_test_secret', now)).toBe(false);
    expect(verifyWebhook(body, signature, null, 'whsec_test_secret', now)).toBe(false);
    expect(verifyWebhook(body, signature, '-1700000000', 'whsec_test_secret', now)).toBe(false);
    expect(verifyWebhook(body, signature, '1.7e9', 'whsec_test_secret', now)).toBe(false);
    expect(verifyWebhook(42 as unknown as string, signature, timestamp, 'whsec_test_secret', now)).toBe(
      false,
    );
  });

  it('honours a custom tolerance', () => {
    expect(
      verifyWebhook(body, signature, timestamp, 'whsec_test_secret', {
        now: 1700000010,
        toleranceSeconds: 5,
      }),
    ).toBe(false);
  });

  it('refuses to sign with an empty secret', () => {
    expect(() => signWebhook(body, '')).toThrow(TypeError);
  });
});

describe('signing properties', () => {
  const secret = fc.string({ minLength: 1, maxLength: 64 });
  const ts = fc.integer({ min: 0, max: 4_000_000_000 });

  it('sign → verify round-trips for any body, secret and timestamp', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), secret, ts, (body, key, t) => {
        const signed = signWebhook(body, key, t);
        return verifyWebhook(body, signed.signature, signed.timestamp, key, { now: t });
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('any single-byte change of the body fails', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        secret,
        (bytes, index, delta, key) => {
          const signed = signWebhook(bytes, key, 1700000000);
          const changed = Uint8Array.from(bytes);
          const i = index % changed.length;
          changed[i] = ((changed[i] ?? 0) + delta) % 256;
          return !verifyWebhook(changed, signed.signature, signed.timestamp, key, { now: 1700000000 });
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('never throws on arbitrary inputs', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (a, b, c, d) => {
        const result = verifyWebhook(a as string, b as string, c as string, d as string);
        return result === false;
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
