import { createHash, randomBytes } from 'node:crypto';

/** `thr_` + 32 hex (16 random bytes), as `newThreadId()` upstream. */
export function newThreadId(): string {
  return `thr_${randomBytes(16).toString('hex')}`;
}

/** `trc_` + 32 hex (16 random bytes), as `newTraceId()` upstream. */
export function newTraceId(): string {
  return `trc_${randomBytes(16).toString('hex')}`;
}

/** `thr_<prefix>_` + the first 32 hex of sha256(native id): a stable thread id for a framework's own id. */
export function threadIdFor(nativeId: string, prefix = 'x'): string {
  const safePrefix = prefix.replace(/[^A-Za-z0-9-]/g, '').slice(0, 24) || 'x';
  return `thr_${safePrefix}_${createHash('sha256').update(nativeId).digest('hex').slice(0, 32)}`;
}

/**
 * A deterministic `external_request_id` from the parts that identify one action (≤200 chars of
 * `[A-Za-z0-9:._-]`, as connectors keep them). Long or unsafe parts are replaced by a hash so the key stays
 * stable and valid; the same parts always give the same key.
 */
export function externalRequestId(namespace: string, ...parts: readonly (string | number)[]): string {
  const raw = [namespace, ...parts.map(String)].join(':');
  if (raw.length <= 200 && /^[A-Za-z0-9:._-]+$/.test(raw)) return raw;
  const readable = namespace.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 60) || 'key';
  return `${readable}:${createHash('sha256').update(raw).digest('hex')}`;
}
