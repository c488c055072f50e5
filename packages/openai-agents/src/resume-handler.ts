import {
  type CentcomClient,
  createKeyedLock,
  createWebhookReceiver,
  type WebhookDedupeStore,
  type WebhookReceiver,
} from '@contro1/core';
import { type Agent, type RunResult, run, type StreamedRunResult } from '@openai/agents';
import { ResumeRefusedError, recordOutcomes, restoreWithDecisions } from './apply-decisions.js';
import type { RunStateStore } from './run-state-store.js';
import { type PendingApproval, submitInterruptions } from './submit-interruptions.js';

// biome-ignore lint/suspicious/noExplicitAny: agents of any context type
export type AnyAgent = Agent<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: results of any agent
export type AnyRunResult = RunResult<any, any> | StreamedRunResult<any, any>;

export interface AgentsResumeHandlerOptions {
  agent: AnyAgent;
  secret: string;
  previousSecret?: string;
  client: CentcomClient;
  store: RunStateStore;
  appVersion: string;
  /** Callback URL for approvals the resumed run asks for next. */
  callbackUrl?: string;
  /** Resume with a streamed run (the stream is consumed before `onResult`). */
  stream?: boolean;
  dedupe?: WebhookDedupeStore;
  clock?: () => number;
  /** The run finished: every approval decided and the agent answered. */
  onResult?: (result: AnyRunResult, runKey: string) => void | Promise<void>;
  /** The resumed run paused again for new approvals. */
  onPaused?: (pending: PendingApproval[], runKey: string) => void | Promise<void>;
  onError?: (error: unknown, runKey: string) => void;
}

export interface AgentsResumeHandler extends WebhookReceiver {
  /** Resolves when every resume started so far has finished. */
  idle(): Promise<void>;
}

/**
 * The webhook endpoint for OpenAI Agents runs: verifies and confirms the decision (core receiver), records it
 * atomically in the run store and acknowledges; once every pending call of the run is decided, resumes the run in
 * the background under a per-run lock, approving or rejecting each call, and hands the result on.
 */
export function createAgentsResumeHandler(options: AgentsResumeHandlerOptions): AgentsResumeHandler {
  const jobs = createKeyedLock();

  async function resume(runKey: string): Promise<void> {
    const stored = await options.store.load(runKey);
    if (stored?.status !== 'resuming') return;
    let restored: Awaited<ReturnType<typeof restoreWithDecisions>>;
    try {
      restored = await restoreWithDecisions(options.agent, stored, options.appVersion);
    } catch (error) {
      await options.store.setStatus(runKey, 'failed', (error as Error).message);
      options.onError?.(error, runKey);
      return;
    }
    try {
      let result: AnyRunResult;
      if (options.stream) {
        const streamed = await run(options.agent, restored.state, { stream: true });
        for await (const _event of streamed) {
          // Consumed so the run advances; events are for live UIs, the final result is what we hand on.
        }
        await streamed.completed;
        result = streamed;
      } else {
        result = await run(options.agent, restored.state);
      }
      await recordOutcomes(options.client, runKey, restored.outcomes, result.newItems);
      if (result.interruptions.length > 0) {
        const pending = await submitInterruptions(result, {
          client: options.client,
          store: options.store,
          runKey,
          appVersion: options.appVersion,
          ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
        });
        await options.onPaused?.(pending, runKey);
        return;
      }
      await options.store.setStatus(runKey, 'done');
      await options.onResult?.(result, runKey);
    } catch (error) {
      await options.store.setStatus(runKey, 'failed', (error as Error).message);
      options.onError?.(error, runKey);
    }
  }

  const receiver = createWebhookReceiver({
    secret: options.secret,
    ...(options.previousSecret ? { previousSecret: options.previousSecret } : {}),
    client: options.client,
    ...(options.dedupe ? { dedupe: options.dedupe } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    onDecision: async (decision, info) => {
      const runKey = (info.request?.metadata as { openai_agents_run_key?: unknown } | null | undefined)
        ?.openai_agents_run_key;
      if (typeof runKey !== 'string') {
        options.onError?.(
          new ResumeRefusedError(`Request ${decision.requestId} belongs to no OpenAI Agents run`),
          '',
        );
        return;
      }
      const { readyToResume } = await options.store.recordDecision(runKey, decision);
      if (!readyToResume) return;
      void jobs.run(runKey, () => resume(runKey));
    },
  });

  return {
    ...receiver,
    idle: jobs.idle,
  };
}
