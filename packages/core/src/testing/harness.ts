import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { CentcomClient } from '../client/centcom-client.js';
import type { Decision } from '../protocol/decision.js';
import { readRawBody, toWebHeaders } from '../receiver/node.js';
import { createWebhookReceiver } from '../receiver/webhook-receiver.js';
import { type CreatedOrganisation, createAdmin } from '../server/admin.js';
import { type CentcomServer, createServer, type ServerOptions } from '../server/create-server.js';
import { createSqliteStore } from '../server/store/sqlite/sqlite-store.js';
import type { Store } from '../server/store/store.js';

export interface ReceivedWebhook {
  eventId: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** A real receiver on 127.0.0.1: `createWebhookReceiver` behind `node:http`, recording raw deliveries too. */
export async function startReceiver(secret: string, client: CentcomClient) {
  const decisions: Decision[] = [];
  const raw: ReceivedWebhook[] = [];
  let mode: 'ok' | 'fail' | 'gone' = 'ok';
  const receiver = createWebhookReceiver({
    secret,
    client,
    onDecision: (decision) => {
      decisions.push(decision);
    },
  });
  const server: Server = createHttpServer(async (req, res) => {
    if (mode !== 'ok') {
      res.writeHead(mode === 'gone' ? 410 : 500).end();
      return;
    }
    const bytes = await readRawBody(req);
    try {
      const body = JSON.parse(Buffer.from(bytes).toString()) as Record<string, unknown>;
      raw.push({ eventId: String(body.event_id), body, headers: req.headers });
    } catch {}
    const response = await receiver.handleRaw(bytes, toWebHeaders(req));
    res.writeHead(response.status, { 'content-type': 'application/json' }).end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return {
    url,
    decisions,
    raw,
    setMode(next: typeof mode) {
      mode = next;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Harness {
  port: number;
  baseUrl: string;
  apiUrl: string;
  server: CentcomServer;
  store: Store;
  admin: ReturnType<typeof createAdmin>;
  org: CreatedOrganisation;
  client: CentcomClient;
  clientFor(apiKey: string): CentcomClient;
  /** Answers a request as the organisation's admin reviewer (the "auto-decider" of examples and tests). */
  decide(
    requestId: string,
    answer: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  operator(token: string): {
    get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
    post(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  };
  dbPath: string;
  close(options?: { keepDb?: boolean }): Promise<void>;
}

/**
 * The reference server on a temp SQLite file, served over real HTTP on 127.0.0.1, with one organisation: what
 * adapter tests and examples run against. Needs the optional peers better-sqlite3 and @hono/node-server.
 */
export async function startHarness(
  options: Partial<ServerOptions> & { dbPath?: string; org?: CreatedOrganisation; port?: number } = {},
): Promise<Harness> {
  const dir = options.dbPath ? undefined : mkdtempSync(join(tmpdir(), 'contro1-'));
  const dbPath = options.dbPath ?? join(dir as string, 'centcom.db');
  const store = createSqliteStore({ path: dbPath, serving: true });
  let port = 0;
  const server = createServer({
    allowLoopbackCallbacks: true,
    pollMs: 50,
    ...options,
    store,
    publicUrl: options.publicUrl ?? 'http://127.0.0.1',
  });
  const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: server.fetch, hostname: '127.0.0.1', port: options.port ?? 0 }, (info) => {
      port = info.port;
      resolve(s);
    });
  });
  server.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const apiUrl = `${baseUrl}/api/centcom/v1`;
  const admin = createAdmin(store, { baseUrl: apiUrl, ...(options.clock ? { clock: options.clock } : {}) });
  const org = options.org ?? (await admin.createOrganisation({ name: 'Acme' }));
  const clientFor = (apiKey: string) => new CentcomClient({ apiKey, baseUrl: apiUrl, retries: 0 });
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${apiUrl}${path}`, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    port,
    baseUrl,
    apiUrl,
    server,
    store,
    admin,
    org,
    client: clientFor(org.api_key),
    clientFor,
    decide: (requestId, answer) =>
      call(org.reviewer_token, 'POST', `/operator/queue/${requestId}/respond`, answer),
    operator: (token) => ({
      get: (path) => call(token, 'GET', path),
      post: (path, body) => call(token, 'POST', path, body ?? {}),
    }),
    dbPath,
    async close(closeOptions = {}) {
      await server.stop();
      await new Promise<void>((r) => http.close(() => r()));
      await store.close();
      if (dir && !closeOptions.keepDb) rmSync(dir, { recursive: true, force: true });
    },
  };
}
