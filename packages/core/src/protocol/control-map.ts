import { z } from 'zod';
import { approvalPolicySchema, jsonObjectSchema, policyWarningSchema } from './common.js';
import { CONTROL_MAP_STATUSES } from './enums.js';

/** `POST /requests/control-map` answer (section 5). Advisory: the request itself is the gate. */
export const controlMapResponseSchema = z.looseObject({
  status: z.enum(CONTROL_MAP_STATUSES),
  satisfiable: z.boolean(),
  eligible_reviewer_count: z.number().int(),
  on_shift_reviewer_count: z.number().int(),
  approval_policy: approvalPolicySchema,
  roles: z.array(
    z.looseObject({
      role: z.string(),
      eligible_reviewer_count: z.number().int(),
      status: z.string().optional(),
    }),
  ),
  warnings: z.array(policyWarningSchema),
  suggested_action: z.looseObject({ label: z.string() }).nullable(),
  fallback_reviewers: z.array(jsonObjectSchema).optional(),
});
export type ControlMapResponse = z.infer<typeof controlMapResponseSchema>;
