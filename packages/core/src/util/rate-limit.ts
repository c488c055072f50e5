/** Fixed-window limiter per key: at most `max` hits per `windowMs`; returns the seconds to wait when over. */
export function createRateLimiter(max: number, windowMs: number, clock: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  return (key: string): number | undefined => {
    const now = clock();
    const current = windows.get(key);
    if (!current || now - current.start >= windowMs) {
      windows.set(key, { start: now, count: 1 });
      return undefined;
    }
    current.count++;
    return current.count > max ? Math.ceil((current.start + windowMs - now) / 1000) : undefined;
  };
}
