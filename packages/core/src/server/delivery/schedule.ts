/** Delay before each attempt (14.4): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_DELAYS_MS = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
] as const;
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** Longer than one attempt plus jitter, so no live attempt outlasts its lease. */
export const LEASE_MS = 60_000;

/**
 * When attempt number `done + 1` is due after `done` attempts, or null when retries are exhausted.
 * Jitter is ±20 % from an injected random source so tests stay deterministic.
 */
export function nextAttemptAt(done: number, now: number, random: () => number = Math.random): number | null {
  const delay = RETRY_DELAYS_MS[done];
  if (delay === undefined) return null;
  return now + Math.round(delay * (0.8 + 0.4 * random()));
}
