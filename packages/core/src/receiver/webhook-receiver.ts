import type { CentcomClient } from '../client/centcom-client.js';
import { type Decision, parseDecision } from '../protocol/decision.js';
import type { CentcomRequest } from '../protocol/request-object.js';
import { isTerminalState } from '../protocol/status.js';
import { parseWebhookPayload, type WebhookPayload } from '../protocol/webhook-payload.js';
import { verifyWebhook } from '../signing/centcom-signature.js';
import { verifyStandardWebhook } from '../signing/standard-webhooks.js';
import { createMemoryDedupeStore, type WebhookDedupeStore } from './dedupe.js';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface DecisionContextInfo {
  eventId: string;
  payload: WebhookPayload;
  /** The server's copy of the request when the outcome was confirmed (the default). */
  request?: CentcomRequest;
}

interface ReceiverBase {
  secret: string;
  /** Accepted as well during a rotation overlap (14.4). */
  previousSecret?: string;
  onDecision: (decision: Decision, info: DecisionContextInfo) => void | Promise<void>;
  dedupe?: WebhookDedupeStore;
  /** `() => milliseconds`. */
  clock?: () => number;
  toleranceSeconds?: number;
}

/**
 * By default the outcome is taken from `GET /requests/:id` with the agent's own key (14.4: a signed webhook is a
 * wake-up, the server is the truth). `confirm: false` trusts the signed body alone and must be chosen explicitly.
 */
export type WebhookReceiverOptions = ReceiverBase &
  ({ client: Pick<CentcomClient, 'getRequest'>; confirm?: true } | { client?: undefined; confirm: false });

export interface WebhookReceiver {
  handle(request: Request): Promise<Response>;
  /** Same as `handle` for callers that already hold the raw body and lower-cased headers. */
  handleRaw(rawBody: Uint8Array, headers: Headers): Promise<Response>;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function verifySignature(
  raw: Uint8Array,
  headers: Headers,
  secrets: string[],
  now: number,
  tolerance: number,
) {
  const options = { now, toleranceSeconds: tolerance };
  const timestamp = headers.get('x-centcom-timestamp');
  const signatures = [headers.get('x-centcom-signature'), headers.get('x-centcom-signature-previous')];
  if (timestamp && signatures[0]) {
    return secrets.some((secret) =>
      signatures.some((sig) => verifyWebhook(raw, sig, timestamp, secret, options)),
    );
  }
  const standard = {
    id: headers.get('webhook-id'),
    timestamp: headers.get('webhook-timestamp'),
    signature: headers.get('webhook-signature'),
  };
  if (standard.id && standard.timestamp && standard.signature) {
    return verifyStandardWebhook(raw, standard, secrets, options);
  }
  return undefined;
}

/**
 * Framework-agnostic webhook endpoint: verifies the raw body, refuses an `event_id` header/body mismatch,
 * dedupes on the body's `event_id`, confirms the outcome with the server, then calls `onDecision`.
 * 401 bad signature · 400 bad body · 200 handled or duplicate · 409 not final on the server or in progress ·
 * 5xx when `onDecision` or the confirmation fails, so the server retries.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  if (!options.secret) throw new TypeError('createWebhookReceiver needs the webhook secret');
  if (options.confirm !== false && !options.client) {
    throw new TypeError('createWebhookReceiver needs a client to confirm decisions, or confirm: false');
  }
  const dedupe = options.dedupe ?? createMemoryDedupeStore();
  const clock = options.clock ?? Date.now;
  const secrets = [options.secret, ...(options.previousSecret ? [options.previousSecret] : [])];
  const tolerance = options.toleranceSeconds ?? 300;

  async function decide(payload: WebhookPayload): Promise<{ decision?: Decision; request?: CentcomRequest }> {
    if (options.confirm === false || !options.client) return { decision: parseDecision(payload) };
    const request = await options.client.getRequest(payload.request_id);
    const decision = isTerminalState(request.state) ? parseDecision(request) : undefined;
    return decision ? { decision, request } : { request };
  }

  async function handleRaw(raw: Uint8Array, headers: Headers): Promise<Response> {
    if (raw.byteLength > MAX_WEBHOOK_BODY_BYTES) {
      return json(413, { error: 'payload_too_large', message: 'Webhook body is larger than 1 MiB' });
    }
    const verified = verifySignature(raw, headers, secrets, Math.floor(clock() / 1000), tolerance);
    if (verified === undefined) return json(401, { error: 'Missing webhook signature headers' });
    if (!verified) return json(401, { error: 'Invalid webhook signature' });

    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      return json(400, { error: 'invalid_request', message: 'Webhook body is not JSON' });
    }
    const parsed = parseWebhookPayload(body);
    if (!parsed.ok) return json(400, { error: 'invalid_request', message: parsed.error });
    const payload = parsed.payload;
    const headerEventId = headers.get('x-centcom-event-id') ?? headers.get('webhook-id');
    if (payload.event_id && headerEventId && headerEventId !== payload.event_id) {
      return json(400, {
        error: 'invalid_request',
        message: 'Event id header does not match the signed body',
      });
    }
    // Servers that predate event ids send one webhook per final outcome, so the outcome identifies the event.
    const eventId =
      payload.event_id ?? `${payload.request_id}:${payload.state ?? ''}:${payload.status ?? ''}`;

    const begin = await dedupe.begin(eventId);
    if (begin === 'duplicate') return json(200, { ok: true, duplicate: true });
    if (begin === 'in_progress')
      return json(409, { error: 'conflict', message: 'This event is being handled' });
    try {
      let confirmed: Awaited<ReturnType<typeof decide>>;
      try {
        confirmed = await decide(payload);
      } catch {
        await dedupe.abort(eventId);
        return json(503, { error: 'unavailable', message: 'Could not confirm the decision with the server' });
      }
      if (!confirmed.decision) {
        await dedupe.abort(eventId);
        return json(409, { error: 'conflict', message: 'The request is not final on the server' });
      }
      const info: DecisionContextInfo = { eventId, payload };
      if (confirmed.request) info.request = confirmed.request;
      await options.onDecision(confirmed.decision, info);
      await dedupe.complete(eventId);
      return json(200, { ok: true });
    } catch {
      await dedupe.abort(eventId);
      return json(500, { error: 'internal', message: 'onDecision failed; the event will be retried' });
    }
  }

  return {
    handleRaw,
    async handle(request: Request): Promise<Response> {
      const length = Number(request.headers.get('content-length') ?? '0');
      if (length > MAX_WEBHOOK_BODY_BYTES) {
        return json(413, { error: 'payload_too_large', message: 'Webhook body is larger than 1 MiB' });
      }
      const raw = new Uint8Array(await request.arrayBuffer());
      return handleRaw(raw, request.headers);
    },
  };
}
