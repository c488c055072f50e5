import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type LookupFn = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export const systemLookup: LookupFn = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })) as { address: string; family: 4 | 6 }[];

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it maps. */
function unmap(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 4 ? 'ipv4' : 'ipv6' };
}

export function isPrivateAddress(address: string): boolean {
  const { address: a, type } = unmap(address);
  return blocked.check(a, type);
}

export function isLoopbackAddress(address: string): boolean {
  const { address: a, type } = unmap(address);
  return loopback.check(a, type);
}

export interface SsrfPolicy {
  lookup: LookupFn;
  /** Development and tests: loopback targets allowed. */
  allowLoopback: boolean;
  /** Host names or IP literals allowed to resolve privately (per organisation). */
  allowHosts?: readonly string[];
}

export class CallbackRefusedError extends Error {}

/**
 * Resolves the callback host once and returns the address to connect to (pinned, so a second DNS answer cannot
 * swap in a private address). Refuses private, loopback, link-local, CGNAT, multicast and their IPv6 forms
 * unless configuration allows them.
 */
export async function resolvePinned(
  url: URL,
  policy: SsrfPolicy,
): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const answers = literal ? [{ address: host, family: literal as 4 | 6 }] : await policy.lookup(host);
  const first = answers[0];
  if (!first) throw new CallbackRefusedError(`callback host ${host} did not resolve`);
  const allowed = policy.allowHosts?.includes(host) ?? false;
  for (const answer of answers) {
    if (!isPrivateAddress(answer.address) || allowed) continue;
    if (policy.allowLoopback && isLoopbackAddress(answer.address)) continue;
    throw new CallbackRefusedError(`callback host ${host} resolves to a private address; refused`);
  }
  return first;
}
