import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Uniformly random lowercase alphanumerics (rejection sampling keeps the distribution flat). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252 && out.length < length) out += ALPHABET[byte % 36];
    }
  }
  return out;
}

// Ids are drawn from a pooled buffer: one random fill per ~340 ids instead of one per id (it showed in profiles of the
// create path). Ids are unguessable but not secrets; credentials use `randomAlphanumeric`.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

export function randomId(prefix: string): string {
  if (poolOffset + 12 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const id = pool.toString('hex', poolOffset, poolOffset + 12);
  poolOffset += 12;
  return `${prefix}_${id}`;
}

/** Credentials have ≥190 bits of entropy, so one SHA-256 is enough to store them safely and look them up by hash. */
export const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export const newApiKey = (mode: 'live' | 'test') => `cc_${mode}_${randomAlphanumeric(40)}`;
export const newReviewerToken = () => `cco_${randomAlphanumeric(40)}`;
/** `whsec_` + 32 lowercase alphanumerics (14.3). */
export const newWebhookSecret = () => `whsec_${randomAlphanumeric(32)}`;

/** What may be shown of a secret: its prefix and four characters, never enough to use it. */
export const secretPrefix = (secret: string) => `${secret.slice(0, secret.lastIndexOf('_') + 5)}…`;
