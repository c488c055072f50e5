import { describe, expect, it } from 'vitest';
import { nextAttemptAt, RETRY_DELAYS_MS } from './schedule.js';

describe('retry schedule (14.4)', () => {
  it('follows 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h and then stops', () => {
    const mid = () => 0.5;
    expect(RETRY_DELAYS_MS.map((_, i) => nextAttemptAt(i, 0, mid))).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(nextAttemptAt(8, 0, mid)).toBeNull();
  });

  it('jitters by ±20 %', () => {
    expect(nextAttemptAt(1, 1000, () => 0)).toBe(1000 + 4_000);
    expect(nextAttemptAt(1, 1000, () => 1)).toBe(1000 + 6_000);
  });
});
