import { verifyStandardWebhook, verifyWebhook } from '@contro1/core';
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';
import { CREDENTIALS, contro1Request } from './api.js';
import { nodeRun, requestKey, threadOf } from './keys.js';
import { ITEMS_PARAM, RUN_PARAM } from './wait.js';

interface WebhookCredentials {
  webhookSecret?: string;
  previousWebhookSecret?: string;
}

type Header = string | string[] | undefined;
const one = (h: Header) => (Array.isArray(h) ? h[0] : h);

/** Answers the caller and leaves the execution waiting: nothing unverified ever resumes it. */
function refuse(
  ctx: IWebhookFunctions,
  status: number,
  error: string,
  message: string,
): IWebhookResponseData {
  ctx.logger.warn(`Contro1 webhook refused (${error}): ${message}`);
  ctx.getResponseObject().status(status).json({ error, message });
  return { noWebhookResponse: true };
}

function signatureValid(ctx: IWebhookFunctions, raw: Buffer, credentials: WebhookCredentials): boolean {
  const secrets = [credentials.webhookSecret, credentials.previousWebhookSecret].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  const h = ctx.getHeaderData();
  const timestamp = one(h['x-centcom-timestamp']);
  const signatures = [one(h['x-centcom-signature']), one(h['x-centcom-signature-previous'])];
  if (secrets.some((secret) => signatures.some((sig) => verifyWebhook(raw, sig, timestamp, secret))))
    return true;
  return verifyStandardWebhook(
    raw,
    {
      id: one(h['webhook-id']),
      timestamp: one(h['webhook-timestamp']),
      signature: one(h['webhook-signature']),
    },
    secrets,
  );
}

const APPROVED = new Set(['approved']);
const REJECTED = new Set(['denied', 'cancelled']);
const ANSWERED = new Set(['approved', 'denied', 'provided_input', 'resolved']);
/** Outcomes the approval branches know; anything else is treated as not approved. */
const KNOWN = new Set(['approved', 'denied', 'cancelled', 'timed_out']);

/** The decision as the workflow sees it, with `data.approved` as n8n's send-and-wait nodes report it. */
function decisionItem(request: IDataObject, itemIndex: number): INodeExecutionData {
  const response = (request.response ?? {}) as IDataObject;
  const status = String(request.status);
  return {
    json: {
      request_id: String(request.request_id ?? request.id),
      external_request_id: request.external_request_id ?? null,
      status,
      approved: status === 'approved',
      value: response.value ?? (status === 'approved' ? true : status === 'denied' ? false : null),
      comment: (response.comment as string | undefined) ?? null,
      decided_by: (request.responded_by as string | undefined) ?? null,
      decided_at: (request.responded_at as string | undefined) ?? null,
      data: { approved: status === 'approved' },
    },
    pairedItem: { item: itemIndex },
  };
}

/**
 * The resume side of Request Approval and Wait / Ask and Wait. A call resumes the execution only when its
 * signature verifies, the server lists the named request in this very node run's thread, and every item's
 * request has a final outcome; the outcome comes from the server, never from the webhook body.
 */
export async function resumeWebhook(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
  const raw = (ctx.getRequestObject() as { rawBody?: unknown }).rawBody;
  if (!Buffer.isBuffer(raw)) return refuse(ctx, 400, 'no_raw_body', 'The raw request body is unavailable');
  const credentials = (await ctx.getCredentials(CREDENTIALS)) as WebhookCredentials;
  if (!signatureValid(ctx, raw, credentials))
    return refuse(ctx, 401, 'bad_signature', 'The webhook signature does not verify with the webhook secret');

  let requestId: unknown;
  try {
    requestId = (JSON.parse(raw.toString('utf8')) as IDataObject).request_id;
  } catch {
    return refuse(ctx, 400, 'bad_body', 'The webhook body is not JSON');
  }
  if (typeof requestId !== 'string' || !requestId)
    return refuse(ctx, 400, 'bad_body', 'The webhook body names no request_id');

  const query = ctx.getQueryData() as Record<string, string | undefined>;
  const runIndex = Number(query[RUN_PARAM]);
  const itemCount = Number(query[ITEMS_PARAM]);
  if (!Number.isInteger(runIndex) || !Number.isInteger(itemCount) || itemCount < 1)
    return refuse(ctx, 400, 'bad_resume_url', 'The resume URL lacks its run parameters');
  const run = nodeRun(ctx, runIndex);
  const thread = threadOf(run);
  // One listing of this node run's thread serves both checks: the named request must be in it (else the decision
  // belongs to another execution, node or run), and every item's request must be final.
  const byKey = new Map<string, IDataObject>();
  let named = false;
  let cursor: string | null = null;
  do {
    const page: { requests?: IDataObject[]; next_cursor?: string | null } = await contro1Request(ctx, {
      method: 'GET',
      path: '/requests',
      qs: { thread_id: thread, limit: 200, ...(cursor ? { cursor } : {}) },
    });
    for (const r of page.requests ?? []) {
      byKey.set(String(r.external_request_id), r);
      if ((r.request_id ?? r.id) === requestId) named = true;
    }
    cursor = page.next_cursor ?? null;
  } while (cursor);
  if (!named)
    return refuse(ctx, 409, 'not_this_execution', 'The decision belongs to another execution, node or run');
  const requests = Array.from({ length: itemCount }, (_, i) => byKey.get(requestKey(run, i)));
  const open = requests.filter((r) => !r || r.status === 'pending' || r.status === 'in_review').length;
  if (open > 0) {
    ctx.getResponseObject().status(202).json({ ok: true, waiting_for: open });
    return { noWebhookResponse: true };
  }

  const operation = ctx.getNodeParameter('operation', SEND_AND_WAIT_OPERATION) as string;
  const decided = requests.map((r, i) => ({
    status: String(r?.status),
    item: decisionItem(r as IDataObject, i),
  }));
  const workflowData =
    operation === SEND_AND_WAIT_OPERATION
      ? [
          decided.filter((d) => APPROVED.has(d.status)).map((d) => d.item),
          decided.filter((d) => REJECTED.has(d.status) || !KNOWN.has(d.status)).map((d) => d.item),
          decided.filter((d) => d.status === 'timed_out').map((d) => d.item),
        ]
      : [
          decided.filter((d) => ANSWERED.has(d.status)).map((d) => d.item),
          decided.filter((d) => !ANSWERED.has(d.status)).map((d) => d.item),
        ];
  return { webhookResponse: { ok: true, resumed: true }, workflowData };
}
