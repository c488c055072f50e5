import { describe, expect, it } from 'vitest';
import { toLegacyCreateRequestParams } from './normalise.js';
import { contro1RequestSchema } from './protocol-request.js';

describe('toLegacyCreateRequestParams', () => {
  it('maps every field of section 3b', () => {
    const request = contro1RequestSchema.parse({
      title: 'Delete the staging database',
      description: '  Cleanup after the migration.  ',
      request_type: 'decision',
      source: { integration: 'openai-agents', run_id: 'run_9' },
      continuation: { mode: 'decision', webhook_url: 'https://hooks.example.com/c' },
      routing: { priority: 'high', required_role: 'dba', sla_minutes: 15 },
      context: {
        summary: 'drop db',
        tool_name: 'sql',
        action_type: 'delete',
        resource: 'db/staging',
        environment: 'staging',
        tool_input: { query: 'DROP DATABASE staging' },
      },
      risk_level: 'critical',
      policy_trigger: 'destructive',
      correlation_id: 'case-1',
      metadata: { customer: 'c-1' },
      thread_id: 'thr_abc',
    });
    const legacy = toLegacyCreateRequestParams(request);
    expect(legacy).toMatchObject({
      type: 'yes_no',
      question: 'Delete the staging database',
      priority: 'urgent',
      callback_url: 'https://hooks.example.com/c',
      required_role: 'dba',
      sla_minutes: 15,
      risk_level: 'critical',
      thread_id: 'thr_abc',
      idempotency_key: 'case-1',
    });
    expect(legacy.context).toBe(
      [
        'Cleanup after the migration.',
        'Summary: drop db',
        'Tool: sql',
        'Action: delete',
        'Resource: db/staging',
        'Environment: staging',
        'Tool input: {"query":"DROP DATABASE staging"}',
      ].join('\n'),
    );
    expect(legacy.metadata).toMatchObject({
      customer: 'c-1',
      protocol_version: 'integration-v1',
      request_type: 'decision',
      source: { integration: 'openai-agents', run_id: 'run_9' },
      decision_context: { risk_level: 'critical', policy_trigger: 'destructive' },
      correlation_id: 'case-1',
      thread_id: 'thr_abc',
    });
  });

  it('uses the title when there is no context text and maps types', () => {
    const input = (request_type: string) =>
      toLegacyCreateRequestParams(
        contro1RequestSchema.parse({
          title: 'T',
          request_type,
          source: { integration: 'x' },
          continuation: { mode: 'decision' },
        }),
      );
    expect(input('input')).toMatchObject({ type: 'free_text', context: 'T', priority: 'normal' });
    expect(input('review').type).toBe('approval');
    expect(input('approval').idempotency_key).toBeUndefined();
  });
});
