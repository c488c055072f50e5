import { z } from 'zod';
import { jsonObjectSchema } from './common.js';

/** Evidence packet (14.6): canonical records, a SHA-256 hash chain and an Ed25519 signature. */
export const evidencePacketSchema = z.looseObject({
  packet_version: z.literal(1),
  kind: z.enum(['request', 'agent']),
  subject: z.string(),
  generated_at: z.string(),
  records: z.array(jsonObjectSchema),
  chain: z.looseObject({
    alg: z.literal('sha256'),
    entries: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
    root: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  signature: z.looseObject({
    alg: z.literal('Ed25519'),
    key_id: z.string(),
    value: z.string(),
  }),
});
export type EvidencePacket = z.infer<typeof evidencePacketSchema>;

export const evidenceKeySchema = z.looseObject({
  key_id: z.string(),
  alg: z.literal('Ed25519'),
  public_key: z.string(),
  created_at: z.string(),
});
export type EvidenceKey = z.infer<typeof evidenceKeySchema>;

/** Column order of `?format=csv` (14.6). */
export const EVIDENCE_CSV_COLUMNS = [
  'recorded_at',
  'kind',
  'id',
  'action_or_question',
  'status_or_outcome',
  'actor_agent_id',
  'decided_by',
  'trace_id',
  'correlation_id',
  'record_hash',
] as const;
