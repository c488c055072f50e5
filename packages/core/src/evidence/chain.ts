import { canonicalJson, sha256Hex } from '../signing/canonical-json.js';

/**
 * The hash chain of 14.6: `entries[i] = sha256hex(entries[i-1] + canonical(records[i]))`, where `entries[-1]` is the
 * empty string and `+` joins the UTF-8 text of the previous hex digest and the RFC 8785 form of the record.
 * The root is the last entry, or sha256hex("") for an empty packet.
 */
export function chainEntries(records: readonly unknown[]): string[] {
  const entries: string[] = [];
  let previous = '';
  for (const record of records) {
    previous = sha256Hex(previous + canonicalJson(record));
    entries.push(previous);
  }
  return entries;
}

export function chainRoot(entries: readonly string[]): string {
  return entries.at(-1) ?? sha256Hex('');
}

/** The bytes the packet signature covers: RFC 8785 JSON of the packet without its `signature` field. */
export function signedPayload(packet: Record<string, unknown>): Buffer {
  const { signature: _signature, ...unsigned } = packet;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}
