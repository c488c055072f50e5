import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook } from '../signing/centcom-signature.js';
import { MAX_WEBHOOK_BODY_BYTES, type WebhookReceiver } from './webhook-receiver.js';

class BodyTooLargeError extends Error {}

/** Reads the raw request body without parsing it; refuses more than `limit` bytes. */
export async function readRawBody(req: IncomingMessage, limit = MAX_WEBHOOK_BODY_BYTES): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError('body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function toWebHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Adapts a receiver to `node:http` (`(req, res) => void`), reading the raw body itself. */
export function toNodeListener(receiver: WebhookReceiver) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let raw: Uint8Array;
    try {
      raw = await readRawBody(req);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLargeError;
      res.writeHead(tooLarge ? 413 : 400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: tooLarge ? 'payload_too_large' : 'invalid_request',
          message: 'Unreadable body',
        }),
      );
      return;
    }
    await writeResponse(res, await receiver.handleRaw(raw, toWebHeaders(req)));
  };
}

type MiddlewareRequest = IncomingMessage & {
  rawBody?: string | Uint8Array;
  body?: unknown;
  centcomPayload?: unknown;
  centcomRequestId?: string;
};

/**
 * Express-style middleware like upstream's `webhookMiddleware(secret)`, but raw-body only: it verifies
 * `req.rawBody` when a body parser kept it, else reads the stream itself. It never re-serialises a parsed
 * body; if the stream was consumed without keeping the raw bytes it answers 500 saying how to mount it.
 */
export function webhookMiddleware(secret: string, options: { now?: () => number } = {}) {
  return async (
    req: MiddlewareRequest,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): Promise<void> => {
    const fail = (status: number, error: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error }));
    };
    let raw: string | Uint8Array | undefined = req.rawBody;
    if (raw === undefined) {
      if (req.readableEnded || req.body !== undefined) {
        return fail(
          500,
          'Raw body unavailable: mount webhookMiddleware before any body parser, or keep req.rawBody (express.json({verify}))',
        );
      }
      try {
        raw = await readRawBody(req);
      } catch {
        return fail(413, 'Webhook body is larger than 1 MiB');
      }
    }
    const signature = req.headers['x-centcom-signature'];
    const timestamp = req.headers['x-centcom-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') {
      return fail(401, 'Missing webhook signature headers');
    }
    const verifyOptions = options.now ? { now: Math.floor(options.now() / 1000) } : {};
    if (!verifyWebhook(raw, signature, timestamp, secret, verifyOptions))
      return fail(401, 'Invalid webhook signature');
    try {
      const payload = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8')) as {
        request_id?: unknown;
      };
      req.centcomPayload = payload;
      if (typeof payload?.request_id === 'string') req.centcomRequestId = payload.request_id;
    } catch {
      return fail(400, 'Webhook body is not JSON');
    }
    next();
  };
}
