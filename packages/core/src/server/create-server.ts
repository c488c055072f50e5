import { randomId } from './auth/credentials.js';
import { withInlineDispatch } from './delivery/inline-dispatch.js';
import { type LookupFn, systemLookup } from './delivery/ssrf-guard.js';
import { type BackgroundWorker, createDeliveryWorker } from './delivery/worker.js';
import { createExpiryTimer } from './expiry/expiry-timer.js';
import { createApp } from './http/app.js';
import type { Deps } from './http/context.js';
import { type Logger, silentLogger } from './logger.js';
import type { Store } from './store/store.js';

export interface ServerOptions {
  store: Store;
  /** Used for reviewer links (`PUBLIC_URL/console/requests/:id`). */
  publicUrl: string;
  clock?: () => number;
  /** Jitter source for retry delays. */
  random?: () => number;
  logger?: Logger;
  /** Allow callbacks to loopback addresses (development and tests only). */
  allowLoopbackCallbacks?: boolean;
  /** DNS lookup for the SSRF guard; tests inject one that returns chosen addresses. */
  lookup?: LookupFn;
  defaultSlaMinutes?: { normal: number; urgent: number };
  /** Poll interval of the delivery worker and expiry timer when nothing nudges them. */
  pollMs?: number;
  /** Requests per credential per window before 429 (default 6,000 a minute: generous, a guard against loops). */
  rateLimit?: { max: number; windowMs: number };
  /** Delivery claim lease (default 60 s); must outlast one 15 s attempt plus jitter. */
  leaseMs?: number;
  version?: string;
}

export interface CentcomServer {
  /** Web-standard handler: mount it on any runtime. */
  fetch(request: Request): Promise<Response>;
  store: Store;
  delivery: BackgroundWorker;
  expiry: BackgroundWorker;
  /** Starts the delivery worker and the expiry timer. */
  start(): void;
  /** Stops background work and waits for passes in flight; the store stays open. */
  stop(): Promise<void>;
}

/** The reference server: routes, outbox delivery worker and durable expiry timer over one store. */
export function createServer(options: ServerOptions): CentcomServer {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const delivery = createDeliveryWorker({
    store: options.store,
    clock,
    random: options.random ?? Math.random,
    logger,
    ssrf: { lookup: options.lookup ?? systemLookup, allowLoopback: options.allowLoopbackCallbacks ?? false },
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  });
  // Routes and the expiry timer write through this wrapper, so a queued webhook's first attempt starts on commit.
  const store = withInlineDispatch(options.store, delivery);
  const expiry = createExpiryTimer({
    store,
    clock,
    logger,
    onExpired: () => delivery.nudge(),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  });
  const deps: Deps = {
    store,
    clock,
    newId: randomId,
    publicUrl: options.publicUrl.replace(/\/+$/, ''),
    logger,
    defaultSlaMinutes: options.defaultSlaMinutes ?? { normal: 10, urgent: 3 },
    onDeliveryQueued: () => delivery.nudge(),
    rateLimit: options.rateLimit ?? { max: 6_000, windowMs: 60_000 },
    version: options.version ?? '0.1.0',
  };
  const app = createApp(deps);
  return {
    fetch: async (request) => app.fetch(request),
    store: options.store,
    delivery,
    expiry,
    start() {
      delivery.start();
      expiry.start();
    },
    async stop() {
      await Promise.all([delivery.stop(), expiry.stop()]);
    },
  };
}
