import { randomUUID } from 'node:crypto';
import type { CentcomClient, RiskLevel } from '@contro1/core';
import { describeCommand } from '../command-context.js';
import { execute } from '../execute.js';
import { EXIT } from '../exit-codes.js';
import {
  approvedCommandMatches,
  createCommandRequest,
  recordCommandExecution,
  recordDetached,
  waitForCommandDecision,
} from '../gate.js';

export interface RunOptions {
  title?: string;
  risk?: RiskLevel;
  role?: string;
  /** Seconds to wait for a decision before giving up (exit 6, the request stays open). */
  timeout: number;
  intervalMs?: number;
  /** Use an existing request instead of creating one; it must be for this exact command. */
  request?: string;
  caseId?: string;
  cwd: string;
}

export interface Io {
  client: CentcomClient;
  out: (chunk: Buffer | string) => void;
  err: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * `contro1 run -- <command…>`: asks, waits, and runs the command only on an explicit approval of this exact command
 * in this directory. Exit codes: the command's own on approval, 5 denied/cancelled/not this command, 6 timed out.
 */
export async function runCommand(command: string[], options: RunOptions, io: Io): Promise<number> {
  const ctx = await describeCommand(command, options.cwd);
  // Every run is a case of its own unless the caller names one, so request and execution record read together.
  const caseId = options.caseId ?? `cli-run:${randomUUID()}`;
  const request = options.request
    ? await io.client.getRequest(options.request)
    : await createCommandRequest(io.client, ctx, {
        source: 'cli',
        ...(options.title ? { title: options.title } : {}),
        ...(options.risk ? { risk: options.risk } : {}),
        ...(options.role ? { role: options.role } : {}),
        caseId,
      });
  // Execution records join the request's own case (a reused request may belong to another one).
  const recordCase = request.correlation_id ?? caseId;
  io.err(
    `contro1: waiting for approval of ${request.id}${request.reviewer_url ? ` (${String(request.reviewer_url)})` : ''}`,
  );
  let lastStatus = '';
  const outcome = await waitForCommandDecision(io.client, request.id, {
    timeoutMs: options.timeout * 1000,
    intervalMs: options.intervalMs ?? 2_000,
    onProgress: (waitedMs, status) => {
      if (status !== lastStatus) io.err(`contro1: ${status} after ${Math.round(waitedMs / 1000)} s`);
      lastStatus = status;
    },
    ...(io.signal ? { signal: io.signal } : {}),
  });
  if (!outcome.decision) {
    await recordDetached(
      io.client,
      request.id,
      ctx,
      outcome.waitedMs,
      io.signal?.aborted ? 'interrupted' : 'cli_wait_timeout',
    );
    io.err(
      `contro1: no decision after ${options.timeout} s; ${request.id} stays open and a late approval will not run this command`,
    );
    return EXIT.timeout;
  }
  const { decision } = outcome;
  if (decision.outcome !== 'approved') {
    await recordCommandExecution(io.client, request.id, ctx, 'cli', undefined, decision, recordCase);
    io.err(
      `contro1: not run, ${decision.outcome}${decision.decidedBy ? ` by ${decision.decidedBy}` : ''}${decision.comment ? `: ${decision.comment}` : ''}`,
    );
    return decision.outcome === 'timed_out' ? EXIT.timeout : EXIT.denied;
  }
  if (!approvedCommandMatches(outcome.request, ctx)) {
    await recordCommandExecution(
      io.client,
      request.id,
      ctx,
      'cli',
      undefined,
      { ...decision, outcome: 'denied', comment: 'approved command differs' },
      recordCase,
    );
    io.err(`contro1: refused, ${request.id} approved a different command or directory; nothing was run`);
    return EXIT.denied;
  }
  io.err(`contro1: approved${decision.decidedBy ? ` by ${decision.decidedBy}` : ''}; running`);
  const result = await execute(command, { cwd: options.cwd, sink: (chunk) => io.out(chunk) });
  await recordCommandExecution(io.client, request.id, ctx, 'cli', result, decision, recordCase);
  return result.exitCode;
}
