import { randomId } from '../auth/credentials.js';
import { type BackgroundWorker, backgroundLoop } from '../delivery/worker.js';
import { closeMutation } from '../domain/decide.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

/**
 * Durable expiry: `expires_at` lives on the request row, so a restart simply finds what is due. Each expiry is
 * the same conditional mutation as a decision, so a racing reviewer and the timer cannot both win.
 */
export function createExpiryTimer(options: {
  store: Store;
  clock: () => number;
  logger: Logger;
  onExpired: () => void;
  pollMs?: number;
}): BackgroundWorker {
  const { store, clock, logger } = options;
  async function runOnce(): Promise<number> {
    const now = clock();
    const due = await store.dueExpirations(now, 100);
    let expired = 0;
    for (const { org_id, id } of due) {
      const result = await store.mutateRequest(
        org_id,
        id,
        closeMutation('timed_out', 'system', now, () => randomId('dlv')),
      );
      if (result?.changed) {
        expired++;
        logger.info({ request_id: id }, 'request expired');
      }
    }
    if (expired > 0) options.onExpired();
    return due.length;
  }
  return {
    runOnce,
    ...backgroundLoop(
      runOnce,
      () => store.nextExpiration(),
      clock,
      options.pollMs ?? 1_000,
      logger,
      'expiry',
    ),
  };
}
