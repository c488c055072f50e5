import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface PostResult {
  statusCode: number | null;
  error: string | null;
}

type Pinned = { address: string; family: 4 | 6 };

/** Idle keep-alive sockets close before the usual 5 s server-side keep-alive timeout, so a reused one is alive. */
const IDLE_SOCKET_MS = 4_000;
const MAX_AGENTS = 256;
const agents = new Map<string, HttpAgent>();

/**
 * One keep-alive agent per (scheme, host, port, pinned address): a webhook to a known endpoint goes out on an open
 * connection, written in the same turn that starts it, instead of waiting for a connect behind other work. The
 * agent's lookup always answers the pinned address, so a reused connection never reaches anything else.
 */
function agentFor(url: URL, pinned: Pinned): HttpAgent {
  const key = `${url.protocol}//${url.host}@${pinned.address}`;
  let agent = agents.get(key);
  if (agent) return agent;
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Pinned[]) => void)(null, [pinned]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };
  const options = { keepAlive: true, maxSockets: 256, timeout: IDLE_SOCKET_MS, lookup };
  agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
  if (agents.size >= MAX_AGENTS) {
    const [oldestKey, oldest] = agents.entries().next().value as [string, HttpAgent];
    agents.delete(oldestKey);
    oldest.destroy();
  }
  agents.set(key, agent);
  return agent;
}

/**
 * POSTs `body` to `url`, connecting to the pinned `address` (TLS still verifies the host name). Redirects are
 * not followed: a 3xx is a failed attempt.
 */
export function postPinned(
  url: URL,
  address: Pinned,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: agentFor(url, address),
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ statusCode: res.statusCode ?? null, error: null }));
        res.on('error', (e) => resolve({ statusCode: res.statusCode ?? null, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ statusCode: null, error: e.message }));
    req.end(body);
  });
}
