import { z } from 'zod';

/** Error codes of 14.7 with their HTTP status. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** v1 runtime routes: `{error, message}`. */
export const v1ErrorBodySchema = z.looseObject({
  error: z.string(),
  message: z.string(),
  request_id: z.string().optional(),
});
export type V1ErrorBody = z.infer<typeof v1ErrorBodySchema>;

/** CLI / operator routes: `{ok:false, error:{code, message, required_scope?, remediation?}}`. */
export const operatorErrorBodySchema = z.looseObject({
  ok: z.literal(false),
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    required_scope: z.string().optional(),
    remediation: z.string().optional(),
  }),
});
export type OperatorErrorBody = z.infer<typeof operatorErrorBodySchema>;
