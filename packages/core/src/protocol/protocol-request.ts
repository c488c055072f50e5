import { z } from 'zod';
import { formatIssues, jsonObjectSchema, sharedCreateFields } from './common.js';
import { CONTRO1_CONTINUATION_MODES, CONTRO1_PRIORITIES, CONTRO1_REQUEST_TYPES } from './enums.js';

const nonBlank = (message: string) =>
  z.string({ error: message }).refine((s) => s.trim().length > 0, { error: message });

export const contro1SourceSchema = z.looseObject(
  {
    integration: nonBlank('source.integration is required'),
    framework: z.string().optional(),
    workflow_id: z.string().optional(),
    run_id: z.string().optional(),
    session_id: z.string().optional(),
  },
  { error: 'source.integration is required' },
);

export const contro1ContinuationSchema = z.looseObject(
  {
    mode: z.enum(CONTRO1_CONTINUATION_MODES, {
      error: `continuation.mode must be one of: ${CONTRO1_CONTINUATION_MODES.join(', ')}`,
    }),
    callback_url: z.string().optional(),
    webhook_url: z.string().optional(),
    resume_token: z.string().optional(),
    expires_at: z.iso
      .datetime({ offset: true, error: 'continuation.expires_at must be an ISO-8601 date-time' })
      .optional(),
  },
  { error: `continuation.mode must be one of: ${CONTRO1_CONTINUATION_MODES.join(', ')}` },
);

export const contro1RoutingSchema = z.looseObject({
  department: z.string().optional(),
  required_role: z.string().optional(),
  priority: z
    .enum(CONTRO1_PRIORITIES, { error: `routing.priority must be one of: ${CONTRO1_PRIORITIES.join(', ')}` })
    .optional(),
  sla_minutes: z
    .number({ error: 'routing.sla_minutes must be a positive integer' })
    .int({ error: 'routing.sla_minutes must be a positive integer' })
    .positive({ error: 'routing.sla_minutes must be a positive integer' })
    .optional(),
});

export const contro1ContextSchema = z.looseObject({
  tool_name: z.string().optional(),
  tool_input: z.unknown().optional(),
  action_type: z.string().optional(),
  resource: z.string().optional(),
  environment: z.string().optional(),
  summary: z.string().optional(),
  action: z.looseObject({ tool: z.string(), input: z.unknown().optional() }).optional(),
  machine_observed: jsonObjectSchema.optional(),
  agent_reported: jsonObjectSchema.optional(),
});

/** The "Contro1 Integration Protocol v1" create body (section 3b). */
export const contro1RequestSchema = z.looseObject({
  id: z.string().optional(),
  title: nonBlank('title is required'),
  description: z.string().optional(),
  request_type: z.enum(CONTRO1_REQUEST_TYPES, {
    error: `request_type must be one of: ${CONTRO1_REQUEST_TYPES.join(', ')}`,
  }),
  source: contro1SourceSchema,
  continuation: contro1ContinuationSchema,
  routing: contro1RoutingSchema.optional(),
  context: contro1ContextSchema.optional(),
  ...sharedCreateFields,
});
export type Contro1Request = z.infer<typeof contro1RequestSchema>;

/** `{valid, errors}` as in the upstream SDK; never throws, whatever the input. */
export type ValidationResult = { valid: boolean; errors: string[] };

export function validateContro1Request(request: unknown): ValidationResult {
  const parsed = contro1RequestSchema.safeParse(request);
  if (parsed.success) return { valid: true, errors: [] };
  return { valid: false, errors: formatIssues(parsed.error.issues).split('; ') };
}

/** A body is protocol-shaped when it has `request_type`, `source` or `continuation` (section 3). */
export function isProtocolRequest(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return 'request_type' in body || 'source' in body || 'continuation' in body;
}
