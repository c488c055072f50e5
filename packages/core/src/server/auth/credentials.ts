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

// Ids are drawn from a pooled buffer: one random fill per ~400 ids instead of one per id (it showed in profiles of the
// create path). Ids are unguessable but not secrets; credentials use `randomAlphanumeric`.
const POOL_BYTES = 4096;
const RANDOM_BYTES = 10;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * `prefix_` + the creation millisecond (9 base-36 digits) + 80 random bits. The time prefix makes ids of rows
 * written together sort together, so an insert lands on the unique index's last page instead of a random one: a
 * group commit then writes a few index pages to the WAL instead of one per row.
 */
export function randomId(prefix: string): string {
  if (poolOffset + RANDOM_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const random = pool.toString('hex', poolOffset, poolOffset + RANDOM_BYTES);
  poolOffset += RANDOM_BYTES;
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${random}`;
}

/** Credentials have ≥190 bits of entropy, so one SHA-256 is enough to store them safely and look them up by hash. */
export const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export const newApiKey = (mode: 'live' | 'test') => `cc_${mode}_${randomAlphanumeric(40)}`;
export const newReviewerToken = () => `cco_${randomAlphanumeric(40)}`;
/** `whsec_` + 32 lowercase alphanumerics (14.3). */
export const newWebhookSecret = () => `whsec_${randomAlphanumeric(32)}`;

/** What may be shown of a secret: its prefix and four characters, never enough to use it. */
export const secretPrefix = (secret: string) => `${secret.slice(0, secret.lastIndexOf('_') + 5)}…`;
