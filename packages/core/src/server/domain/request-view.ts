import type { CentcomRequest } from '../../protocol/request-object.js';
import type { RequestRecord } from '../model.js';
import { redactCallbackUrls } from './redact.js';

const INTERNAL = new Set(['org_id', 'dedupe_key', 'fingerprint', 'claimed_by', 'owner_reviewer_id']);

/**
 * The request object clients see (section 4a + 14.1): internals removed, `request_id` added, callback query
 * strings redacted unless this is the owner's own create response.
 */
export function toApiRequest(
  record: RequestRecord,
  options: { revealCallback?: boolean } = {},
): CentcomRequest {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!INTERNAL.has(key)) out[key] = value;
  out.request_id = record.id;
  out.assigned_to = record.claimed_by;
  return (options.revealCallback ? out : redactCallbackUrls(out)) as CentcomRequest;
}
