import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { postPinned } from './http-post.js';

const seen: { host: string | undefined; path: string | undefined; body: string; socket: number }[] = [];
const sockets = new WeakMap<object, number>();
let nextSocket = 0;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
  res.writeHead(200).end('ok');
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => {
    if (!sockets.has(req.socket)) sockets.set(req.socket, nextSocket++);
    seen.push({ host: req.headers.host, path: req.url, body, socket: sockets.get(req.socket) as number });
    handler(req, res);
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const loopback = { address: '127.0.0.1', family: 4 as const };
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe('postPinned', () => {
  it('connects to the pinned address whatever the host name resolves to, and reuses the connection', async () => {
    seen.length = 0;
    // `.invalid` never resolves: reaching the server proves the pinned address was used.
    const url = new URL(`http://hook.invalid:${port}/cb?run=1`);
    const first = await postPinned(url, loopback, { 'content-type': 'application/json' }, '{"a":1}', 2_000);
    const second = await postPinned(url, loopback, { 'content-type': 'application/json' }, '{"a":2}', 2_000);
    expect([first, second]).toEqual([
      { statusCode: 200, error: null },
      { statusCode: 200, error: null },
    ]);
    expect(seen.map((s) => [s.host, s.path, s.body])).toEqual([
      [`hook.invalid:${port}`, '/cb?run=1', '{"a":1}'],
      [`hook.invalid:${port}`, '/cb?run=1', '{"a":2}'],
    ]);
    expect(seen[0]?.socket).toBe(seen[1]?.socket);
  });

  it('does not follow a redirect: the 3xx is the result', async () => {
    seen.length = 0;
    handler = (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    const result = await postPinned(new URL(`http://127.0.0.1:${port}/cb`), loopback, {}, '{}', 2_000);
    expect(result).toEqual({ statusCode: 302, error: null });
    expect(seen.map((s) => s.path)).toEqual(['/cb']);
  });

  it('gives up after the timeout when the endpoint never answers', async () => {
    handler = () => undefined;
    const result = await postPinned(new URL(`http://127.0.0.1:${port}/slow`), loopback, {}, '{}', 300);
    expect(result).toEqual({ statusCode: null, error: 'timed out after 300 ms' });
  });

  it('reports a refused connection as an error without a status', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const result = await postPinned(new URL(`http://127.0.0.1:${freePort}/x`), loopback, {}, '{}', 2_000);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED|connect/);
  });
});
