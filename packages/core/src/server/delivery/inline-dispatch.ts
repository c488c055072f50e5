import type { DeliveryRecord } from '../model.js';
import type { Store } from '../store/store.js';
import type { DeliveryWorker } from './worker.js';

/**
 * Wraps the store so that a mutation which queues a webhook also leases it to this process inside the same
 * transaction, and the first attempt starts as soon as the commit is on disk: no claim round-trip, no wait for the
 * worker's next pass. The mutation's caller is answered one turn later, when the POST has been written to an open
 * keep-alive connection (or its connection has been started). If the process dies first, the lease runs out and the
 * worker (or a restart) delivers it, as for any claimed delivery.
 */
export function withInlineDispatch(store: Store, worker: DeliveryWorker): Store {
  const inline: Store = Object.create(store);
  inline.mutateRequest = async (orgId, id, fn) => {
    let leased: { delivery: DeliveryRecord; token: string } | undefined;
    let result: Awaited<ReturnType<typeof store.mutateRequest<unknown>>>;
    try {
      result = await store.mutateRequest(orgId, id, (current) => {
        const m = fn(current);
        if (leased) {
          worker.dropLease();
          leased = undefined;
        }
        if (!m.delivery) return m;
        const lease = worker.leaseForNew();
        if (!lease) return m;
        // Object.assign, not spreads followed by properties: V8 defines those one by one in the runtime (hot path).
        const delivery = Object.assign({}, m.delivery, {
          lease_token: lease.token,
          lease_until: lease.until,
        });
        leased = {
          token: lease.token,
          delivery: Object.assign({}, delivery, {
            status: 'pending' as const,
            attempts: 0,
            next_attempt_at: delivery.created_at,
            last_status_code: null,
          }),
        };
        return Object.assign({}, m, { delivery });
      });
    } catch (error) {
      if (leased) worker.dropLease();
      throw error;
    }
    if (leased) {
      worker.startLeased(leased.delivery, leased.token);
      // Answering the caller a turn later lets the webhook be written first: the agent hears first, and in a burst of
      // decisions the webhooks no longer wait until every acknowledgement of the batch has been built and written.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return result as never;
  };
  return inline;
}
