import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type Contro1McpOptions, createContro1McpServer } from './server.js';

export interface HttpOptions extends Omit<Contro1McpOptions, 'sessionKey'> {
  host: string;
  port: number;
  /** Bearer token clients must send; required when `host` is not a loopback address. */
  token?: string;
  /** Extra `Origin` values allowed besides none (non-browser clients send none). */
  allowedOrigins?: string[];
  log?: (line: string) => void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function reject(res: ServerResponse, status: number, message: string) {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/**
 * Streamable HTTP on `/mcp`, one MCP server per session. Bound to 127.0.0.1 by default; binding elsewhere needs a
 * bearer token. Host and Origin headers are checked so a web page cannot reach a local server (DNS rebinding).
 */
export async function startHttpServer(
  options: HttpOptions,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  if (!LOOPBACK.has(options.host) && !options.token) {
    throw new Error(
      `Refusing to listen on ${options.host} without a token: set CONTRO1_MCP_TOKEN, or bind to 127.0.0.1.`,
    );
  }
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, resolve);
  });
  const port = (http.address() as AddressInfo).port;
  const hostHeaders = [`${options.host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];

  http.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp')
      return reject(res, 404, 'Not found: the MCP endpoint is /mcp');
    if (options.token) {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !sameSecret(auth.slice(7), options.token))
        return reject(res, 401, 'Unauthorized');
    }
    const sessionId = req.headers['mcp-session-id'];
    const transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (req.method !== 'POST') return reject(res, 400, 'No valid session: initialize first');
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reject(res, 400, 'Body is not JSON');
      }
      if (!isInitializeRequest(body)) return reject(res, 400, 'No valid session: initialize first');
      const fresh = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableDnsRebindingProtection: true,
        allowedHosts: hostHeaders,
        allowedOrigins: options.allowedOrigins ?? [],
        onsessioninitialized: (id) => {
          sessions.set(id, fresh);
        },
      });
      fresh.onclose = () => {
        if (fresh.sessionId) sessions.delete(fresh.sessionId);
      };
      await createContro1McpServer(options).connect(fresh);
      await fresh.handleRequest(req, res, body);
      return;
    }
    await transport.handleRequest(req, res);
  });
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/mcp`;
  options.log?.(`contro1-mcp listening on ${url}`);
  return {
    url,
    server: http,
    async close() {
      for (const t of sessions.values()) await t.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
