/** Outcome of trying to start work on one webhook event. */
export type DedupeBegin = 'new' | 'duplicate' | 'in_progress';

/**
 * Replay guard keyed on the body's `event_id`. `begin` must be atomic: of two concurrent deliveries of one event,
 * exactly one sees `new`. `abort` forgets a failed attempt so the server's retry can run it again.
 */
export interface WebhookDedupeStore {
  begin(eventId: string): DedupeBegin | Promise<DedupeBegin>;
  complete(eventId: string): void | Promise<void>;
  abort(eventId: string): void | Promise<void>;
}

/** In-memory guard for one process; keeps the most recent `maxEntries` completed ids. */
export function createMemoryDedupeStore(maxEntries = 10_000): WebhookDedupeStore {
  const entries = new Map<string, 'processing' | 'done'>();
  return {
    begin(eventId) {
      const current = entries.get(eventId);
      if (current === 'done') return 'duplicate';
      if (current === 'processing') return 'in_progress';
      entries.set(eventId, 'processing');
      return 'new';
    },
    complete(eventId) {
      entries.delete(eventId);
      entries.set(eventId, 'done');
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    abort(eventId) {
      entries.delete(eventId);
    },
  };
}
