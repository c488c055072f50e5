import { readFile, writeFile } from 'node:fs/promises';
import { type CentcomClient, type TrustedEvidenceKey, verifyEvidencePacket } from '@contro1/core';
import { EXIT, ExitError } from '../exit-codes.js';

type Print = (line: string) => void;

export async function getEvidence(
  client: CentcomClient,
  requestId: string,
  out: string | undefined,
  print: Print,
) {
  const packet = JSON.stringify(await client.getRequestEvidence(requestId), null, 2);
  if (out) {
    await writeFile(out, `${packet}\n`);
    print(`wrote ${out}`);
  } else {
    print(packet);
  }
  return EXIT.ok;
}

/** Keys from a PEM file (trusted as the packet's key id), a saved `/evidence/keys` JSON file, or that URL. */
async function loadKeys(source: string, keyId: string): Promise<TrustedEvidenceKey[]> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source);
    if (!response.ok)
      throw new ExitError(EXIT.network, `Could not fetch keys from ${source} (HTTP ${response.status})`);
    return ((await response.json()) as { keys: TrustedEvidenceKey[] }).keys;
  }
  const text = await readFile(source, 'utf8');
  if (text.includes('-----BEGIN PUBLIC KEY-----')) return [{ key_id: keyId, public_key: text }];
  return (JSON.parse(text) as { keys: TrustedEvidenceKey[] }).keys;
}

/** Offline verification with `verifyEvidencePacket`: exit 0 when valid, 1 with the reason otherwise. */
export async function verifyEvidence(file: string, keySource: string, print: Print) {
  let packet: { signature?: { key_id?: string }; kind?: string; subject?: string; records?: unknown[] };
  try {
    packet = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new ExitError(EXIT.badArgs, `${file} is not a readable JSON evidence packet`);
  }
  const keys = await loadKeys(keySource, packet.signature?.key_id ?? '');
  const result = verifyEvidencePacket(packet, keys);
  if (result.ok) {
    print(
      `VERIFIED: ${packet.kind} ${packet.subject}, ${packet.records?.length ?? 0} records, key ${packet.signature?.key_id}`,
    );
    return EXIT.ok;
  }
  print(
    `NOT VERIFIED: ${result.reason}${result.failedRecord !== undefined ? ` (record ${result.failedRecord})` : ''}`,
  );
  return EXIT.general;
}
