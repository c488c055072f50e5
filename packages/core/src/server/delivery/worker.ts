import { signWebhook } from '../../signing/centcom-signature.js';
import { signStandardWebhook } from '../../signing/standard-webhooks.js';
import { randomId } from '../auth/credentials.js';
import { redactUrl } from '../domain/redact.js';
import type { Logger } from '../logger.js';
import type { DeliveryRecord, OrgRecord } from '../model.js';
import type { AttemptResult, Store } from '../store/store.js';
import { postPinned } from './http-post.js';
import { ATTEMPT_TIMEOUT_MS, LEASE_MS, nextAttemptAt } from './schedule.js';
import { CallbackRefusedError, resolvePinned, type SsrfPolicy } from './ssrf-guard.js';

export interface DeliveryWorkerOptions {
  store: Store;
  clock: () => number;
  random: () => number;
  ssrf: SsrfPolicy;
  logger: Logger;
  batchSize?: number;
  /** Upper bound between checks for due work when nothing nudges the worker. */
  pollMs?: number;
  leaseMs?: number;
  /** Attempts running at once (default 512). */
  maxInFlight?: number;
}

export interface BackgroundWorker {
  /** One pass over due work; resolves with how many items it handled. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
  /** Run soon: new work was just committed. */
  nudge(): void;
}

export interface DeliveryWorker extends BackgroundWorker {
  /** A lease for a delivery about to be written, if there is room for one more attempt now. */
  leaseForNew(): { token: string; until: number } | undefined;
  /** Starts the first attempt of a committed delivery whose row already carries this process's lease. */
  startLeased(delivery: DeliveryRecord, token: string): void;
  /** Gives back a lease whose row was never committed. */
  dropLease(): void;
}

/**
 * Headers for one attempt, signed with a fresh timestamp: X-CentCom-Signature (plus -Previous during a rotation
 * overlap), or Standard Webhooks headers with one `v1` entry per live secret when the organisation chose them.
 */
function signingHeaders(org: OrgRecord, delivery: DeliveryRecord, now: number): Record<string, string> {
  const ts = Math.floor(now / 1000);
  const until = org.webhook_secret_previous_until ? Date.parse(org.webhook_secret_previous_until) : 0;
  const previous = org.webhook_secret_previous && until > now ? org.webhook_secret_previous : undefined;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'contro1-server',
    'x-centcom-request-id': delivery.request_id,
    'x-centcom-event-id': delivery.event_id,
  };
  if (org.webhook_format === 'standard') {
    const secrets = previous ? [org.webhook_secret, previous] : [org.webhook_secret];
    return { ...headers, ...signStandardWebhook(delivery.event_id, delivery.body, secrets, ts) };
  }
  headers['x-centcom-signature'] = signWebhook(delivery.body, org.webhook_secret, ts).signature;
  headers['x-centcom-timestamp'] = String(ts);
  if (previous) headers['x-centcom-signature-previous'] = signWebhook(delivery.body, previous, ts).signature;
  return headers;
}

/** Drives `fn` in the background: after each pass it sleeps until the next due time, a nudge, or `pollMs`. */
export function backgroundLoop(
  fn: () => Promise<number>,
  nextDue: () => Promise<number | null>,
  clock: () => number,
  pollMs: number,
  logger: Logger,
  name: string,
): Omit<BackgroundWorker, 'runOnce'> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, delay));
    timer.unref?.();
  };
  const tick = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while ((await fn()) > 0 && !stopped) {}
        } while (again && !stopped);
        const due = await nextDue();
        schedule(due === null ? pollMs : Math.min(pollMs, due - clock()));
      } catch (error) {
        logger.error({ err: (error as Error).message, worker: name }, 'background pass failed');
        schedule(pollMs);
      } finally {
        running = undefined;
      }
    })();
  };
  return {
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    nudge() {
      if (!stopped) schedule(0);
    },
  };
}

/** The outbox worker: claims due deliveries under a lease, signs with a fresh timestamp, POSTs, records (14.4). */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, clock, logger } = options;
  const batch = options.batchSize ?? 256;

  async function attempt(delivery: DeliveryRecord, token: string): Promise<void> {
    const org = await store.getOrg(delivery.org_id);
    const started = clock();
    let statusCode: number | null = null;
    let error: string | null = null;
    if (!org) {
      error = 'organisation no longer exists';
    } else {
      try {
        const url = new URL(delivery.url);
        const pinned = await resolvePinned(url, { ...options.ssrf, allowHosts: org.callback_allowlist });
        const result = await postPinned(
          url,
          pinned,
          signingHeaders(org, delivery, clock()),
          delivery.body,
          ATTEMPT_TIMEOUT_MS,
        );
        statusCode = result.statusCode;
        error = result.error;
      } catch (e) {
        error = e instanceof CallbackRefusedError ? e.message : `delivery failed: ${(e as Error).message}`;
      }
    }
    const now = clock();
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const gone = statusCode === 410;
    const next = ok || gone ? null : nextAttemptAt(delivery.attempts + 1, now, options.random);
    const status: AttemptResult['status'] = ok ? 'delivered' : next === null ? 'failed' : 'pending';
    const at = new Date(now).toISOString();
    const result: AttemptResult = {
      attempt: {
        delivery_id: delivery.id,
        request_id: delivery.request_id,
        org_id: delivery.org_id,
        attempt: delivery.attempts + 1,
        at,
        status_code: statusCode,
        latency_ms: now - started,
        error,
        claim_token: token,
      },
      status,
      nextAttemptAt: next,
      callbackState: status,
      at,
    };
    if (status !== 'pending') result.requestState = ok ? 'callback_delivered' : 'callback_failed';
    const recorded = await store.finishAttempt(delivery.id, token, result);
    logger[ok ? 'info' : 'warn'](
      {
        request_id: delivery.request_id,
        event_id: delivery.event_id,
        url: redactUrl(delivery.url),
        attempt: delivery.attempts + 1,
        status_code: statusCode,
        error,
        outcome: status,
        lease_lost: !recorded,
      },
      'webhook attempt',
    );
  }

  const inFlight = new Set<Promise<void>>();
  const maxInFlight = options.maxInFlight ?? 512;

  // Leases handed out for rows not yet committed; they count against `maxInFlight` until started or dropped.
  let reserved = 0;
  let stopped = true;

  const track = (delivery: DeliveryRecord, token: string) => {
    const job = attempt(delivery, token).finally(() => {
      inFlight.delete(job);
      loop.nudge();
    });
    inFlight.add(job);
    return job;
  };

  /** Claims what is due and starts the attempts without waiting for them, so a slow endpoint holds up nobody. */
  async function claimAndStart(): Promise<Promise<void>[]> {
    const room = maxInFlight - inFlight.size - reserved;
    if (room <= 0) return [];
    const token = randomId('lease');
    const due = await store.claimDeliveries(
      clock(),
      options.leaseMs ?? LEASE_MS,
      Math.min(batch, room),
      token,
    );
    return due.map((d) => track(d, token));
  }

  const loop = backgroundLoop(
    async () => (await claimAndStart()).length,
    () => store.nextDeliveryDue(),
    clock,
    options.pollMs ?? 1_000,
    logger,
    'delivery',
  );

  return {
    /** One pass that also waits for its attempts (tests and tools call this; the background loop does not wait). */
    async runOnce() {
      const jobs = await claimAndStart();
      await Promise.all(jobs);
      return jobs.length;
    },
    start() {
      stopped = false;
      loop.start();
    },
    nudge: loop.nudge,
    leaseForNew() {
      if (stopped || inFlight.size + reserved >= maxInFlight) return undefined;
      reserved++;
      return { token: randomId('lease'), until: clock() + (options.leaseMs ?? LEASE_MS) };
    },
    startLeased(delivery, token) {
      reserved = Math.max(0, reserved - 1);
      if (!stopped) track(delivery, token);
    },
    dropLease() {
      reserved = Math.max(0, reserved - 1);
    },
    async stop() {
      stopped = true;
      await loop.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
