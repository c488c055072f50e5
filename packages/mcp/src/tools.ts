import { type CentcomClient, type CreateRequestParams, canonicalHash, isContro1Error } from '@contro1/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { summarise } from './request-summary.js';
import { structured, toolError } from './results.js';
import { waitBounded } from './wait.js';

export interface ToolDeps {
  client: CentcomClient;
  /** Scopes idempotency keys: the same call in the same session maps to the same request. */
  sessionKey: string;
  /** Longest a single call waits; keep it below the client's tool timeout (about 60 s by default). */
  waitBudgetMs: number;
  pollIntervalMs: number;
  callbackUrl?: string;
}

const RISK = z.enum(['low', 'medium', 'high', 'critical']);

const summaryShape = {
  request_id: z.string(),
  status: z
    .string()
    .describe('pending | in_review | approved | denied | provided_input | resolved | cancelled | timed_out'),
  state: z.string(),
  final: z.boolean().describe('true once a human (or expiry, or cancellation) settled the request'),
  approved: z.boolean().describe('true only for an explicit approval; act only when this is true'),
  comment: z.string().nullable(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
  reviewer_url: z.string().nullable(),
  expires_at: z.string().nullable(),
  question: z.string(),
};

/** Runs a tool body; API and validation failures become readable tool errors instead of protocol errors. */
async function guarded(fn: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (error) {
    if (isContro1Error(error)) {
      return toolError(
        `Contro1 ${error.status ?? ''} ${error.code}: ${error.message}${error.remediation ? ` ${error.remediation}` : ''}`.replace(
          /\s+/g,
          ' ',
        ),
      );
    }
    return toolError(`Failed: ${(error as Error).message}`);
  }
}

function progressReporter(extra: {
  _meta?: { progressToken?: string | number };
  sendNotification: (n: never) => Promise<void>;
}) {
  const token = extra._meta?.progressToken;
  return async (elapsed: number, total: number, status: string) => {
    if (token === undefined) return;
    await extra.sendNotification({
      method: 'notifications/progress',
      params: {
        progressToken: token,
        progress: Math.round(elapsed / 1000),
        total: Math.round(total / 1000),
        message: `Waiting for a human: ${status}`,
      },
    } as never);
  };
}

export function registerTools(server: McpServer, deps: ToolDeps): void {
  const { client } = deps;
  const key = (scope: string, args: unknown) =>
    `mcp:${deps.sessionKey}:${scope}:${canonicalHash(args).slice(0, 32)}`;

  server.registerTool(
    'request_approval',
    {
      title: 'Ask a human to approve an action',
      description:
        'Creates a Contro1 approval request routed to a human reviewer and returns at once with its request_id, status and the reviewer link. Use it before any risky action (payments, deletions, deploys, emails to customers). Then call wait_for_decision with the request_id, and act only if it returns approved: true. Calling again with the same arguments in this session returns the same request.',
      inputSchema: {
        title: z
          .string()
          .min(1)
          .max(500)
          .describe('The question the reviewer answers, e.g. "Refund $120 on order A-1001?"'),
        description: z.string().max(4000).optional().describe('Why the action is needed and what it will do'),
        tool_name: z.string().max(200).optional().describe('The tool or operation that would run'),
        tool_input: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('The exact arguments; the approval is bound to them'),
        risk_level: RISK.optional(),
        required_role: z.string().optional().describe('Reviewer role that must answer, e.g. "finance"'),
        sla_minutes: z
          .number()
          .int()
          .positive()
          .max(10_080)
          .optional()
          .describe('Minutes before the request expires (default 10)'),
        case_id: z.string().max(200).optional().describe('Groups related requests and audit records'),
        idempotency_key: z
          .string()
          .max(150)
          .optional()
          .describe('Set to ask again for a different action with identical text'),
      },
      outputSchema: summaryShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args) =>
      guarded(async () => {
        const params: CreateRequestParams = {
          type: 'approval',
          question: args.title,
          context: {
            ...(args.description ? { summary: args.description } : {}),
            ...(args.tool_name ? { tool_name: args.tool_name } : {}),
            ...(args.tool_input ? { tool_input: args.tool_input } : {}),
          },
          external_request_id: key('approval', args),
          metadata: { source: 'mcp' },
        };
        if (args.risk_level) params.risk_level = args.risk_level;
        if (args.required_role) params.required_role = args.required_role;
        if (args.sla_minutes) params.sla_minutes = args.sla_minutes;
        if (args.case_id) params.correlation_id = args.case_id;
        if (deps.callbackUrl) params.callback_url = deps.callbackUrl;
        return structured(summarise(await client.createRequest(params)));
      }),
  );

  server.registerTool(
    'wait_for_decision',
    {
      title: 'Wait for the human decision',
      description: `Waits (up to ${Math.round(deps.waitBudgetMs / 1000)} s per call, with progress notifications) for a request to be decided and returns its status: approved, denied, provided_input, resolved, cancelled, timed_out, or still pending / in_review with final: false. If final is false, call again to keep waiting. Act only when approved is true; anything else means do not perform the action.`,
      inputSchema: { request_id: z.string().min(1).describe('The request_id from request_approval') },
      outputSchema: summaryShape,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    (args, extra) =>
      guarded(async () => {
        const request = await waitBounded(
          client,
          args.request_id,
          deps.waitBudgetMs,
          deps.pollIntervalMs,
          progressReporter(extra),
          extra.signal,
        );
        return structured(summarise(request));
      }),
  );

  server.registerTool(
    'get_request',
    {
      title: 'Look up a request',
      description: 'Returns the current status of a Contro1 request without waiting.',
      inputSchema: { request_id: z.string().min(1) },
      outputSchema: summaryShape,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    (args) => guarded(async () => structured(summarise(await client.getRequest(args.request_id)))),
  );

  server.registerTool(
    'cancel_request',
    {
      title: 'Withdraw a pending request',
      description:
        'Cancels a request that has not been decided yet (for example because the action is no longer needed). A decided request cannot be cancelled.',
      inputSchema: { request_id: z.string().min(1) },
      outputSchema: { ok: z.boolean(), message: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args) =>
      guarded(async () => {
        const result = await client.cancelRequest(args.request_id);
        return structured({ ok: result.ok ?? true, message: result.message ?? 'Request cancelled' });
      }),
  );

  server.registerTool(
    'log_action',
    {
      title: 'Record what was done',
      description:
        'Writes an audit record, e.g. after performing (or skipping) an approved action. Pass request_id to link it to the approval so the case reads request → decision → execution.',
      inputSchema: {
        action: z.string().min(1).max(128).describe('Dotted name, e.g. "tool.refund.finished"'),
        summary: z.string().min(1).max(2000),
        outcome: z.enum(['success', 'failure', 'partial', 'denied']).optional(),
        request_id: z.string().optional().describe('The approval this record replies to'),
        case_id: z.string().max(200).optional(),
      },
      outputSchema: { id: z.string(), recorded_at: z.string() },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    (args) =>
      guarded(async () => {
        const record = await client.logAction({
          action: args.action,
          summary: args.summary,
          source: { integration: 'mcp' },
          ...(args.outcome ? { outcome: args.outcome } : {}),
          ...(args.request_id ? { in_reply_to: { type: 'request' as const, id: args.request_id } } : {}),
          ...(args.case_id ? { correlation_id: args.case_id } : {}),
        });
        return structured({ id: record.id, recorded_at: record.recorded_at });
      }),
  );

  server.registerTool(
    'get_case_timeline',
    {
      title: 'Show a case timeline',
      description: 'Lists the requests and audit records of a case (correlation id) in time order.',
      inputSchema: { case_id: z.string().min(1), limit: z.number().int().min(1).max(200).optional() },
      outputSchema: {
        case_id: z.string(),
        items: z.array(
          z.object({
            kind: z.string(),
            id: z.string(),
            at: z.string(),
            what: z.string(),
            status: z.string(),
          }),
        ),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    (args) =>
      guarded(async () => {
        const timeline = await client.getCase(args.case_id, args.limit ? { limit: args.limit } : {});
        const items = timeline.items.map((item) => ({
          kind: item.kind,
          id: item.id,
          at: item.at,
          what: String(item.kind === 'request' ? item.question : item.action),
          status: String(item.kind === 'request' ? item.status : item.outcome),
        }));
        return structured({ case_id: args.case_id, items });
      }),
  );

  server.registerTool(
    'approve_tool_use',
    {
      title: 'Permission prompt for Claude Code',
      description:
        "Claude Code's --permission-prompt-tool: asks a human through Contro1 whether the pending tool call may run and answers {behavior: allow, updatedInput} or {behavior: deny, message}. Anything but an explicit approval within the wait denies.",
      inputSchema: {
        tool_name: z.string().min(1),
        input: z.record(z.string(), z.unknown()),
        tool_use_id: z.string().optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args, extra) =>
      guarded(async () => {
        const created = await client.createRequest({
          type: 'approval',
          question: `Allow ${args.tool_name}?`,
          context: {
            tool_name: args.tool_name,
            tool_input: args.input,
            summary: 'Claude Code wants to run this tool',
          },
          external_request_id: key('tool-use', {
            tool: args.tool_name,
            input: args.input,
            id: args.tool_use_id ?? null,
          }),
          metadata: { source: 'claude-code-permission-prompt', allow_edit: true },
          tool_calls: [{ name: args.tool_name, input: args.input, outcome: 'pending_approval' }],
          ...(deps.callbackUrl ? { callback_url: deps.callbackUrl } : {}),
        });
        const request = await waitBounded(
          client,
          created.id,
          deps.waitBudgetMs,
          deps.pollIntervalMs,
          progressReporter(extra),
          extra.signal,
        );
        const summary = summarise(request);
        const edited = (request.response as { edited_input?: unknown } | null | undefined)?.edited_input;
        const answer = summary.approved
          ? { behavior: 'allow', updatedInput: edited && typeof edited === 'object' ? edited : args.input }
          : {
              behavior: 'deny',
              message: summary.final
                ? `A human did not approve ${args.tool_name} (${summary.status}${summary.comment ? `: ${summary.comment}` : ''}).`
                : `No decision yet on ${args.tool_name} (request ${summary.request_id}); denied for now. Ask again to keep waiting.`,
            };
        return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
      }),
  );
}
