import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { evidencePacketSchema } from '../protocol/evidence.js';
import { chainEntries, chainRoot, signedPayload } from './chain.js';

export type EvidenceFailure =
  | 'malformed_packet'
  | 'unknown_key'
  | 'invalid_key'
  | 'chain_length_mismatch'
  | 'record_hash_mismatch'
  | 'root_mismatch'
  | 'bad_signature';

export interface EvidenceVerification {
  ok: boolean;
  reason?: EvidenceFailure;
  /** Index of the first record whose chain entry does not match. */
  failedRecord?: number;
}

/** A trusted public key: the entries of `GET /evidence/keys`, or `{key_id, public_key}` from elsewhere. */
export interface TrustedEvidenceKey {
  key_id: string;
  public_key: string | KeyObject;
}

/**
 * Checks an evidence packet offline with nothing but `node:crypto` and keys you trust: the structure, that the
 * chain recomputes record by record, that the root matches, and the Ed25519 signature over the canonical packet.
 * Never throws; the first failure is reported.
 */
export function verifyEvidencePacket(
  packet: unknown,
  trustedKeys: readonly TrustedEvidenceKey[],
): EvidenceVerification {
  const parsed = evidencePacketSchema.safeParse(packet);
  if (!parsed.success) return { ok: false, reason: 'malformed_packet' };
  const { records, chain, signature } = parsed.data;
  const trusted = trustedKeys.find((k) => k.key_id === signature.key_id);
  if (!trusted) return { ok: false, reason: 'unknown_key' };
  let key: KeyObject;
  try {
    key = typeof trusted.public_key === 'string' ? createPublicKey(trusted.public_key) : trusted.public_key;
    if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: 'invalid_key' };
  } catch {
    return { ok: false, reason: 'invalid_key' };
  }
  let entries: string[];
  try {
    entries = chainEntries(records);
  } catch {
    return { ok: false, reason: 'malformed_packet' };
  }
  if (chain.entries.length !== records.length) return { ok: false, reason: 'chain_length_mismatch' };
  const failed = entries.findIndex((entry, i) => entry !== chain.entries[i]);
  if (failed !== -1) return { ok: false, reason: 'record_hash_mismatch', failedRecord: failed };
  if (chain.root !== chainRoot(entries)) return { ok: false, reason: 'root_mismatch' };
  let valid = false;
  try {
    valid = verify(
      null,
      signedPayload(packet as Record<string, unknown>),
      key,
      Buffer.from(signature.value, 'base64'),
    );
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
