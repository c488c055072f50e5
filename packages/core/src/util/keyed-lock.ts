/**
 * Background work serialised per key (a thread, a run): tasks for one key run one after another, different keys run
 * concurrently, and `idle()` waits for everything started so far (tests, graceful shutdown).
 */
export function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const job = previous.then(task, task);
      const tail = job.catch(() => {});
      tails.set(key, tail);
      inFlight.add(tail);
      void tail.then(() => {
        inFlight.delete(tail);
        if (tails.get(key) === tail) tails.delete(key);
      });
      return job;
    },
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
