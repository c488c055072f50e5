import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { EvidenceKey } from '../../protocol/evidence.js';
import type { EvidenceKeyRecord } from '../model.js';
import type { Store } from '../store/store.js';

/** `ek_` + the first 16 hex of sha256(SPKI PEM): stable, and tells keys apart at a glance. */
const keyIdOf = (publicPem: string) =>
  `ek_${createHash('sha256').update(publicPem).digest('hex').slice(0, 16)}`;

export async function rotateEvidenceKey(store: Store, now: number): Promise<EvidenceKeyRecord> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key: EvidenceKeyRecord = {
    key_id: keyIdOf(publicPem),
    alg: 'Ed25519',
    public_key: publicPem,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    created_at: new Date(now).toISOString(),
  };
  await store.insertEvidenceKey(key);
  return key;
}

/** The signing key, created on first use so a fresh server signs without set-up. */
export async function activeEvidenceKey(
  store: Store,
  now: number,
): Promise<{ keyId: string; privateKey: KeyObject }> {
  const newest = (await store.listEvidenceKeys())[0] ?? (await rotateEvidenceKey(store, now));
  return { keyId: newest.key_id, privateKey: createPrivateKey(newest.private_key) };
}

export async function publicEvidenceKeys(store: Store): Promise<EvidenceKey[]> {
  return (await store.listEvidenceKeys()).map(({ key_id, alg, public_key, created_at }) => ({
    key_id,
    alg,
    public_key,
    created_at,
  }));
}
