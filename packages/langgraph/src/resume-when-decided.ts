import type { CentcomClient } from '@contro1/core';
import { type GraphResumeTarget, localGraphTarget, type ResumableGraph } from './resume-target.js';
import { resumeThread, type ThreadResumeResult } from './resume-thread.js';

export interface ResumeWhenDecidedOptions {
  client: CentcomClient;
  graph?: ResumableGraph;
  target?: GraphResumeTarget;
  threadId: string;
  intervalMs?: number;
  /** Give up (the requests stay open) after this long; default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Polling fallback for graphs that cannot receive webhooks: resumes the thread as its approvals are decided until
 * no Contro1 interrupt is pending. Returns the last resume result, or `undefined` if nothing was pending; rejects
 * on timeout or abort without resuming anything undecided.
 */
export async function resumeWhenDecided(
  options: ResumeWhenDecidedOptions,
): Promise<ThreadResumeResult | undefined> {
  const target = options.target ?? (options.graph ? localGraphTarget(options.graph) : undefined);
  if (!target) throw new TypeError('resumeWhenDecided needs a graph or a target');
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let last: ThreadResumeResult | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    const pass = await resumeThread(target, options.client, options.threadId);
    if (pass.resumed.length > 0) last = pass;
    if (pass.resumed.length === 0 && pass.waiting.length === 0) return last;
    if (pass.resumed.length > 0) continue;
    if (Date.now() > deadline) {
      throw new Error(
        `Still waiting for ${pass.waiting.join(', ')} after ${options.timeoutMs ?? 600_000} ms; nothing was resumed`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 2_000));
  }
}
