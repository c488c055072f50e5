import { z } from 'zod';
import { decisionContextSchema, jsonObjectSchema } from './common.js';
import { contro1ResponseSchema } from './request-object.js';

/**
 * The webhook body (section 9): legacy core, policy echo, top-level protocol fields and a nested
 * `protocol_response`, plus our `event_id` (14.4). Only `request_id` is required so that payloads from
 * older servers still parse; the status logic decides what they mean.
 */
export const webhookPayloadSchema = z.looseObject({
  event_id: z.string().min(1).optional(),
  request_id: z.string({ error: 'request_id is required' }).min(1, { error: 'request_id is required' }),
  state: z.string().optional(),
  status: z.string().optional(),
  response: jsonObjectSchema.nullish(),
  responded_by: z.string().nullish(),
  responded_at: z.string().nullish(),
  metadata: jsonObjectSchema.nullish(),
  message: z.string().nullish(),
  structured_response: jsonObjectSchema.nullish(),
  decision_type: z.string().nullish(),
  risk_level: z.string().nullish(),
  policy_trigger: z.string().nullish(),
  policy_context: jsonObjectSchema.nullish(),
  approval_comment_required: z.boolean().nullish(),
  decision_context: decisionContextSchema.nullish(),
  protocol_response: contro1ResponseSchema.partial().nullish(),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** Lifts a payload that only carries `protocol_response.request_id` into the common shape before parsing. */
export function parseWebhookPayload(
  input: unknown,
): { ok: true; payload: WebhookPayload } | { ok: false; error: string } {
  let candidate = input;
  if (typeof input === 'object' && input !== null && !Array.isArray(input) && !('request_id' in input)) {
    const nested = (input as { protocol_response?: { request_id?: unknown } }).protocol_response?.request_id;
    if (typeof nested === 'string') candidate = { ...input, request_id: nested };
  }
  const parsed = webhookPayloadSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, payload: parsed.data };
  return { ok: false, error: [...new Set(parsed.error.issues.map((i) => i.message))].join('; ') };
}
