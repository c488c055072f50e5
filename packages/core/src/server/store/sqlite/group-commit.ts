import type BetterSqlite3 from 'better-sqlite3';

interface Pending {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes queued in the same turn of the event loop run in one transaction, each inside its own
 * savepoint (so one failing write rolls back alone), and share one commit. Every caller's promise settles only
 * after `sync` has made that commit durable, so an acknowledgement still means "on disk". `sync` runs off the main
 * thread, so the next batch is parsed, validated and committed while the previous one is being flushed.
 */
export function createGroupCommit(db: BetterSqlite3.Database, sync?: () => Promise<void>) {
  let queue: Pending[] = [];
  let scheduled = false;
  // Boxed, because better-sqlite3 refuses transaction functions that return a promise.
  const savepoint = db.transaction((op: () => unknown) => ({ value: op() }));
  const batch = db.transaction((items: Pending[]) =>
    items.map((item) => {
      try {
        const value = savepoint(item.op).value;
        // Async store methods hand back a settled promise. Its rejection reaches the caller once the batch is synced;
        // marking it handled now keeps Node from reporting it as unhandled in between.
        if (value instanceof Promise) value.catch(() => undefined);
        return { ok: true as const, value };
      } catch (error) {
        return { ok: false as const, error };
      }
    }),
  );

  function flush() {
    scheduled = false;
    const items = queue;
    queue = [];
    let outcomes: ReturnType<typeof batch>;
    try {
      outcomes = batch.immediate(items);
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    const settle = () =>
      outcomes.forEach((outcome, i) => {
        const item = items[i] as Pending;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(outcome.error);
      });
    if (!sync) return settle();
    // A failed flush acknowledges nothing: the callers see the error, never a success that might not be on disk.
    sync().then(settle, (error: unknown) => {
      for (const item of items) item.reject(error);
    });
  }

  return function write<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
}
