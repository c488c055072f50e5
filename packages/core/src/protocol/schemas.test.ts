import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditRecordCreateSchema, validateAuditRecord } from './audit-record.js';
import { createRequestParamsSchema, validateCreateRequestParams } from './legacy-request.js';
import { contro1RequestSchema, isProtocolRequest, validateContro1Request } from './protocol-request.js';
import { centcomRequestSchema, contro1ResponseSchema, validateContro1Response } from './request-object.js';
import { parseWebhookPayload, webhookPayloadSchema } from './webhook-payload.js';

const validProtocol = {
  title: 'Pay invoice 1042',
  request_type: 'approval',
  source: { integration: 'langgraph' },
  continuation: { mode: 'decision' },
};

describe('validateContro1Request', () => {
  it('accepts a minimal protocol body', () => {
    expect(validateContro1Request(validProtocol)).toEqual({ valid: true, errors: [] });
  });

  it('reports every rule of section 3b with its message', () => {
    const result = validateContro1Request({
      title: '  ',
      request_type: 'nope',
      source: { integration: '' },
      continuation: { mode: 'later' },
      routing: { priority: 'asap', sla_minutes: 0 },
      risk_level: 'extreme',
      policy_trigger: ' ',
      policy_context: { source: '' },
      approval_comment_required: 'yes',
      thread_id: 'thread-1',
      trace_id: 'trace',
      parent_trace_id: 'trc_ bad',
    });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      'title is required',
      'request_type must be one of: approval, input, decision, review',
      'source.integration is required',
      'continuation.mode must be one of: decision, instruction',
      'routing.priority must be one of: low, normal, high, urgent',
      'routing.sla_minutes must be a positive integer',
      'risk_level must be one of: low, medium, high, critical',
      'policy_trigger must be non-empty when provided',
      'policy_context must contain at least one non-empty field',
      'approval_comment_required must be a boolean',
      'thread_id must match thr_[A-Za-z0-9_-]{1,64}',
      'trace_id must match trc_[A-Za-z0-9_-]{1,64}',
      'parent_trace_id must match trc_[A-Za-z0-9_-]{1,64}',
    ]);
  });

  it('reports missing required objects', () => {
    expect(validateContro1Request({ title: 'x', request_type: 'approval' }).errors).toEqual([
      'source.integration is required',
      'continuation.mode must be one of: decision, instruction',
    ]);
  });

  it('keeps fields it does not know (open-ended context)', () => {
    const parsed = contro1RequestSchema.parse({
      ...validProtocol,
      context: { target: 'prod', tool_name: 'pay' },
    });
    expect(parsed.context?.target).toBe('prod');
  });

  it('detects the protocol shape as upstream does', () => {
    expect(isProtocolRequest(validProtocol)).toBe(true);
    expect(isProtocolRequest({ type: 'approval', question: 'q', context: 'c' })).toBe(false);
    expect(isProtocolRequest([])).toBe(false);
  });
});

describe('legacy create body', () => {
  it('accepts context as a string or an object', () => {
    expect(validateCreateRequestParams({ type: 'approval', question: 'q', context: 'c' }).valid).toBe(true);
    expect(validateCreateRequestParams({ type: 'yes_no', question: 'q', context: { tool: 'x' } }).valid).toBe(
      true,
    );
  });

  it('names what is wrong', () => {
    expect(validateCreateRequestParams({ type: 'maybe', context: 3, sla_minutes: -1 }).errors).toEqual([
      'type must be one of: approval, yes_no, free_text',
      'question is required',
      'context must be a string or an object',
      'sla_minutes must be a positive integer',
    ]);
  });
});

describe('audit records and responses', () => {
  it('accepts outcome denied and severity error (13.4)', () => {
    const base = { action: 'tool.pay.not_executed', summary: 's', source: { integration: 'x' } };
    expect(validateAuditRecord({ ...base, outcome: 'denied', severity: 'error' }).valid).toBe(true);
    expect(validateAuditRecord({ ...base, action: 'a'.repeat(129) }).errors).toEqual([
      'action must be at most 128 characters',
    ]);
  });

  it('validates a Contro1Response', () => {
    expect(validateContro1Response({ request_id: 'r', status: 'approved', resolved_at: 'x' }).valid).toBe(
      true,
    );
    expect(validateContro1Response({ status: 'maybe' }).errors).toEqual([
      'request_id is required',
      'status must be one of: approved, denied, cancelled, timed_out, provided_input, resolved',
      'resolved_at is required',
    ]);
  });

  it('parses a webhook payload that only carries protocol_response.request_id', () => {
    const parsed = parseWebhookPayload({ protocol_response: { request_id: 'req_1', status: 'approved' } });
    expect(parsed.ok && parsed.payload.request_id).toBe('req_1');
    expect(parseWebhookPayload({ status: 'approved' })).toEqual({
      ok: false,
      error: 'request_id is required',
    });
  });
});

describe('schemas never throw', () => {
  const schemas = [
    contro1RequestSchema,
    createRequestParamsSchema,
    auditRecordCreateSchema,
    centcomRequestSchema,
    contro1ResponseSchema,
    webhookPayloadSchema,
  ];

  it('on arbitrary JSON they return a result', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const schema of schemas) {
          const result = schema.safeParse(value);
          if (!result.success && result.error.issues.length === 0) return false;
        }
        validateContro1Request(value);
        validateCreateRequestParams(value);
        validateAuditRecord(value);
        parseWebhookPayload(value);
        return true;
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('on arbitrary objects shaped like requests', () => {
    const field = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    const shaped = fc.record(
      {
        title: field,
        request_type: field,
        source: fc.oneof(field, fc.record({ integration: field })),
        continuation: fc.oneof(field, fc.record({ mode: field, expires_at: field })),
        routing: fc.oneof(field, fc.record({ priority: field, sla_minutes: field })),
        policy_context: field,
        thread_id: field,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, (value) => {
        const result = validateContro1Request(value);
        return result.valid || result.errors.length > 0;
      }),
      { seed: 43, numRuns: 500 },
    );
  });
});
