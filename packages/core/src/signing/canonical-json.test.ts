import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from './canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys and formats numbers as JCS does', () => {
    expect(canonicalJson({ b: 1, a: [1e21, 'x', null], c: { z: true, y: 0.1 } })).toBe(
      '{"a":[1e+21,"x",null],"b":1,"c":{"y":0.1,"z":true}}',
    );
  });

  it('hashes equal values equally whatever the key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        return canonicalHash(obj) === canonicalHash(reversed);
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});
