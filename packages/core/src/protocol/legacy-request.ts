import { z } from 'zod';
import { formatIssues, jsonObjectSchema, sharedCreateFields } from './common.js';
import { INTERACTION_TYPES, LEGACY_PRIORITIES } from './enums.js';

/** The legacy ("v1 runtime") create body (section 3a). `context` may be a string or an object. */
export const createRequestParamsSchema = z.looseObject({
  type: z.enum(INTERACTION_TYPES, { error: `type must be one of: ${INTERACTION_TYPES.join(', ')}` }),
  question: z
    .string({ error: 'question is required' })
    .refine((s) => s.trim().length > 0, { error: 'question is required' }),
  context: z.union([z.string(), jsonObjectSchema], { error: 'context must be a string or an object' }),
  callback_url: z.string({ error: 'callback_url must be a URL string' }).optional(),
  priority: z
    .enum(LEGACY_PRIORITIES, { error: `priority must be one of: ${LEGACY_PRIORITIES.join(', ')}` })
    .optional(),
  required_role: z.string().optional(),
  sla_minutes: z
    .number({ error: 'sla_minutes must be a positive integer' })
    .int({ error: 'sla_minutes must be a positive integer' })
    .positive({ error: 'sla_minutes must be a positive integer' })
    .optional(),
  response_schema: jsonObjectSchema.optional(),
  idempotency_key: z.string().optional(),
  ...sharedCreateFields,
});
export type CreateRequestParams = z.infer<typeof createRequestParamsSchema>;

export function validateCreateRequestParams(body: unknown): { valid: boolean; errors: string[] } {
  const parsed = createRequestParamsSchema.safeParse(body);
  if (parsed.success) return { valid: true, errors: [] };
  return { valid: false, errors: formatIssues(parsed.error.issues).split('; ') };
}
