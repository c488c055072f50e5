import { randomUUID } from 'node:crypto';
import {
  type CentcomClient,
  type CentcomRequest,
  type Decision,
  isTerminalState,
  parseDecision,
  type RiskLevel,
  recordExecution,
} from '@contro1/core';
import type { CommandContext } from './command-context.js';
import type { ExecutionResult } from './execute.js';

export interface GateRequestOptions {
  title?: string;
  risk?: RiskLevel;
  role?: string;
  slaMinutes?: number;
  caseId?: string;
  note?: string;
  /** Where the request comes from: shown to reviewers and in the audit trail. */
  source: 'cli' | 'claude-code' | 'hub';
  /** Idempotency key; a fresh one per invocation by default. */
  externalId?: string;
}

/** A request whose context holds the exact command, directory, git position and the hash the approval binds to. */
export function createCommandRequest(
  client: CentcomClient,
  ctx: CommandContext,
  options: GateRequestOptions,
): Promise<CentcomRequest> {
  const text = ctx.command.join(' ');
  return client.createRequest({
    type: 'approval',
    question: options.title ?? `Run \`${text.length > 120 ? `${text.slice(0, 117)}…` : text}\`?`,
    context: {
      tool_name: 'shell',
      tool_input: { command: ctx.command, cwd: ctx.cwd },
      command: text,
      cwd: ctx.cwd,
      git_branch: ctx.git_branch,
      git_commit: ctx.git_commit,
      command_sha256: ctx.command_sha256,
      ...(options.note ? { summary: options.note } : {}),
    },
    external_request_id: options.externalId ?? `${options.source}:run:${randomUUID()}`,
    ...(options.caseId ? { correlation_id: options.caseId } : {}),
    ...(options.risk ? { risk_level: options.risk } : {}),
    ...(options.role ? { required_role: options.role } : {}),
    ...(options.slaMinutes ? { sla_minutes: options.slaMinutes } : {}),
    metadata: { source: `contro1-${options.source}` },
    tool_calls: [
      { name: 'shell', input: { command: ctx.command, cwd: ctx.cwd }, outcome: 'pending_approval' },
    ],
  });
}

export interface WaitOutcome {
  request: CentcomRequest;
  /** Undefined when the local wait ran out first (the request stays open). */
  decision: Decision | undefined;
  waitedMs: number;
}

/** Webhook-free polling with a progress callback; stops at a final state or when `timeoutMs` passes. */
export async function waitForCommandDecision(
  client: CentcomClient,
  requestId: string,
  options: {
    timeoutMs: number;
    intervalMs: number;
    onProgress?: (waitedMs: number, status: string) => void;
    signal?: AbortSignal;
  },
): Promise<WaitOutcome> {
  const started = Date.now();
  for (;;) {
    const request = await client.getRequest(requestId, options.signal);
    const waitedMs = Date.now() - started;
    if (isTerminalState(request.state)) return { request, decision: parseDecision(request), waitedMs };
    options.onProgress?.(waitedMs, String(request.status ?? request.state));
    if (waitedMs >= options.timeoutMs || options.signal?.aborted)
      return { request, decision: undefined, waitedMs };
    await new Promise((r) =>
      setTimeout(r, Math.min(options.intervalMs, Math.max(0, options.timeoutMs - waitedMs))),
    );
  }
}

/** The approval holds only for the command it was asked for: the server's copy of the hash must match. */
export function approvedCommandMatches(request: CentcomRequest, ctx: CommandContext): boolean {
  const context = request.context as { command_sha256?: unknown } | string;
  return typeof context === 'object' && context.command_sha256 === ctx.command_sha256;
}

/** The execution record of a gated command (14.5): exit code, duration, output size and hash. */
export function recordCommandExecution(
  client: CentcomClient,
  requestId: string,
  ctx: CommandContext,
  source: string,
  result: ExecutionResult | undefined,
  decision?: Decision,
  caseId?: string,
) {
  const metadata: Record<string, unknown> = { command_sha256: ctx.command_sha256, cwd: ctx.cwd };
  if (result) {
    Object.assign(metadata, {
      exit_code: result.exitCode,
      signal: result.signal,
      timed_out: result.timedOut,
      output_bytes: result.outputBytes,
      output_sha256: result.outputSha256,
    });
  }
  return recordExecution(client, {
    requestId,
    toolName: 'shell',
    integration: `contro1-${source}`,
    outcome: !result ? 'not_executed' : result.exitCode === 0 && !result.timedOut ? 'finished' : 'failed',
    summary: !result
      ? `Not run: ${ctx.command.join(' ')} (${decision?.outcome ?? 'no approval'})`
      : `Ran \`${ctx.command.join(' ')}\`: exit ${result.exitCode}${result.timedOut ? ' after timing out' : ''}`,
    ...(result ? { durationMs: result.durationMs } : {}),
    ...(result?.timedOut ? { error: 'killed after timeout' } : {}),
    ...(decision ? { decision } : {}),
    ...(caseId ? { correlationId: caseId } : {}),
    metadata,
  });
}

/** The waiter went away: the request stays open, and a late approval will never run this command. */
export function recordDetached(
  client: CentcomClient,
  requestId: string,
  ctx: CommandContext,
  waitedMs: number,
  reason: string,
) {
  return client.logAction({
    action: 'cli.waiter_detached',
    summary: `Stopped waiting after ${Math.round(waitedMs / 1000)} s (${reason}); \`${ctx.command.join(' ')}\` will not run on a late approval.`,
    source: { integration: 'contro1-cli' },
    outcome: 'partial',
    severity: 'notice',
    in_reply_to: { type: 'request', id: requestId },
    external_request_id: `detached:${requestId}`,
    metadata: { reason, waited_seconds: Math.round(waitedMs / 1000), command_sha256: ctx.command_sha256 },
  });
}
