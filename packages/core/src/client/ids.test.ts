import { describe, expect, it } from 'vitest';
import { externalRequestId, threadIdFor } from './ids.js';

describe('ids', () => {
  it('external_request_id is deterministic and stays within the connector alphabet', () => {
    expect(externalRequestId('lg', 'thread-1', 'node', 0)).toBe('lg:thread-1:node:0');
    const long = externalRequestId('lg', 'x'.repeat(300), 'a b');
    expect(long).toMatch(/^lg:[0-9a-f]{64}$/);
    expect(externalRequestId('lg', 'x'.repeat(300), 'a b')).toBe(long);
    expect(externalRequestId('lg', 'a b')).not.toBe(externalRequestId('lg', 'a c'));
  });

  it('threadIdFor derives a stable thr_ id', () => {
    expect(threadIdFor('native-1', 'lg')).toMatch(/^thr_lg_[0-9a-f]{32}$/);
    expect(threadIdFor('native-1', 'lg')).toBe(threadIdFor('native-1', 'lg'));
  });
});
