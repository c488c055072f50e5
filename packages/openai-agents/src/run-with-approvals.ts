import type { CentcomClient } from '@contro1/core';
import { run } from '@openai/agents';
import { recordOutcomes, restoreWithDecisions } from './apply-decisions.js';
import type { AnyAgent, AnyRunResult } from './resume-handler.js';
import { createMemoryRunStateStore, type RunStateStore } from './run-state-store.js';
import { submitInterruptions } from './submit-interruptions.js';

export interface RunWithApprovalsOptions {
  client: CentcomClient;
  runKey: string;
  appVersion?: string;
  store?: RunStateStore;
  intervalMs?: number;
  /** Per approval; a timeout is a rejection the model is told about. Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Polling fallback for scripts: runs the agent, and whenever it pauses for approvals, asks Contro1, waits in
 * process for each decision, applies them and runs on, until the agent finishes.
 */
export async function runWithApprovals(
  agent: AnyAgent,
  input: string,
  options: RunWithApprovalsOptions,
): Promise<AnyRunResult> {
  const store = options.store ?? createMemoryRunStateStore();
  const appVersion = options.appVersion ?? 'inline';
  let result: AnyRunResult = await run(agent, input);
  while (result.interruptions.length > 0) {
    const pending = await submitInterruptions(result, {
      client: options.client,
      store,
      runKey: options.runKey,
      appVersion,
    });
    for (const p of pending) {
      const wait = {
        ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      };
      await store.recordDecision(options.runKey, await options.client.waitForDecision(p.requestId, wait));
    }
    const stored = await store.load(options.runKey);
    if (!stored) throw new Error(`Run ${options.runKey} vanished from its store`);
    const restored = await restoreWithDecisions(agent, stored, appVersion);
    result = await run(agent, restored.state);
    await recordOutcomes(options.client, options.runKey, restored.outcomes, result.newItems);
  }
  await store.setStatus(options.runKey, 'done');
  return result;
}
