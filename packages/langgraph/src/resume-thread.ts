import { type CentcomClient, type Decision, isTerminalState, parseDecision } from '@contro1/core';
import { envelopeFor, type ResumeEnvelope } from './resume-envelope.js';
import type { GraphResumeTarget } from './resume-target.js';

export interface ThreadResumeResult {
  threadId: string;
  /** Request ids resumed in this pass. */
  resumed: string[];
  /** Request ids still waiting for a human. */
  waiting: string[];
  result?: unknown;
}

/**
 * One resume pass for a thread: every pending Contro1 interrupt whose request is final on the server (the server is
 * the truth, whatever a webhook said) goes into one resume map, so several interrupts of one step resume together.
 * An interrupt that is no longer pending is simply not there: replays are no-ops.
 */
export async function resumeThread(
  target: GraphResumeTarget,
  client: Pick<CentcomClient, 'getRequest'>,
  threadId: string,
  known: ReadonlyMap<string, Decision> = new Map(),
): Promise<ThreadResumeResult> {
  const pending = await target.pendingApprovals(threadId);
  const resumeMap: Record<string, ResumeEnvelope> = {};
  const resumed: string[] = [];
  const waiting: string[] = [];
  for (const p of pending) {
    let decision = known.get(p.value.request_id);
    if (!decision) {
      const request = await client.getRequest(p.value.request_id);
      decision = isTerminalState(request.state) ? parseDecision(request) : undefined;
    }
    if (decision) {
      resumeMap[p.interruptId] = envelopeFor(p.value, decision);
      resumed.push(p.value.request_id);
    } else {
      waiting.push(p.value.request_id);
    }
  }
  if (resumed.length === 0) return { threadId, resumed, waiting };
  const result = await target.resume(threadId, resumeMap);
  return { threadId, resumed, waiting, result };
}
