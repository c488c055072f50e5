import { describe, expect, it } from 'vitest';
import { fromHumanInterrupt, toHitlDecisions, toHumanResponse } from './agent-inbox.js';
import type { ApprovalResult } from './request-approval.js';

const result = (outcome: ApprovalResult['outcome'], extra: Partial<ApprovalResult> = {}): ApprovalResult => ({
  requestId: 'req_1',
  outcome,
  approved: outcome === 'approved',
  ...extra,
});

describe('Agent Inbox and humanInTheLoopMiddleware shapes', () => {
  it('maps a HumanInterrupt to an approval request bound to its action', () => {
    expect(
      fromHumanInterrupt({
        action_request: { action: 'send_email', args: { to: 'a@b.c' } },
        config: { allow_accept: true, allow_edit: true, allow_ignore: true, allow_respond: true },
        description: 'Send the invoice?',
      }),
    ).toEqual({
      title: 'Send the invoice?',
      toolName: 'send_email',
      toolInput: { to: 'a@b.c' },
      allowEdit: true,
    });
  });

  it('answers HumanResponse: accept, edit, response with the comment, ignore', () => {
    expect(toHumanResponse(result('approved'), 'send_email')).toEqual({ type: 'accept', args: null });
    expect(toHumanResponse(result('approved', { editedInput: { to: 'x@y.z' } }), 'send_email')).toEqual({
      type: 'edit',
      args: { action: 'send_email', args: { to: 'x@y.z' } },
    });
    expect(toHumanResponse(result('denied', { comment: 'wrong customer' }), 'send_email')).toEqual({
      type: 'response',
      args: 'wrong customer',
    });
    expect(toHumanResponse(result('timed_out'), 'send_email')).toEqual({ type: 'ignore', args: null });
  });

  it('produces middleware decisions in order; everything but an approval is a reject with a reason', () => {
    expect(
      toHitlDecisions([
        { result: result('approved'), toolName: 'a' },
        { result: result('approved', { editedInput: { n: 1 } }), toolName: 'b' },
        { result: result('denied', { comment: 'no' }), toolName: 'c' },
        { result: result('timed_out'), toolName: 'd' },
        { result: result('resolved'), toolName: 'e' },
      ]),
    ).toEqual({
      decisions: [
        { type: 'approve' },
        { type: 'edit', editedAction: { name: 'b', args: { n: 1 } } },
        { type: 'reject', message: 'Not approved (rejected by the reviewer): no' },
        { type: 'reject', message: 'Not approved (timed out).' },
        { type: 'reject', message: 'Not approved (resolved).' },
      ],
    });
  });
});
