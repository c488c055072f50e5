import {
  type CentcomClient,
  createKeyedLock,
  createWebhookReceiver,
  type Decision,
  type WebhookDedupeStore,
  type WebhookReceiver,
} from '@contro1/core';

import { type GraphResumeTarget, localGraphTarget, type ResumableGraph } from './resume-target.js';
import { resumeThread, type ThreadResumeResult } from './resume-thread.js';

export interface ResumeFailure {
  threadId: string;
  requestId: string;
  attempt: number;
  /** True when no retry follows; the decision stays final on the server for `reconcile()` to pick up. */
  final: boolean;
}

export interface LangGraphResumeHandlerOptions {
  /** An in-process compiled graph with a durable checkpointer… */
  graph?: ResumableGraph;
  /** …or any target, such as `remoteGraphTarget` for a LangGraph server. */
  target?: GraphResumeTarget;
  secret: string;
  previousSecret?: string;
  client: CentcomClient;
  dedupe?: WebhookDedupeStore;
  clock?: () => number;
  onResumed?: (result: ThreadResumeResult) => void | Promise<void>;
  onError?: (error: unknown, failure: ResumeFailure) => void;
  /** Attempts per resume (default 5) and the delay before attempt n+1 (default 200 ms · 2ⁿ). */
  retry?: { attempts?: number; delayMs?: (attempt: number) => number };
}

export interface LangGraphResumeHandler extends WebhookReceiver {
  /** Resolves when every resume started so far has finished (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Resumes threads whose requests were decided while nobody listened (`GET /requests?decided_since=`). */
  reconcile(options: { since: string }): Promise<ThreadResumeResult[]>;
}

const threadOf = (metadata: unknown): string | undefined => {
  const id = (metadata as { langgraph_thread_id?: unknown } | null | undefined)?.langgraph_thread_id;
  return typeof id === 'string' ? id : undefined;
};

/**
 * The webhook endpoint for LangGraph: verifies and confirms through the core receiver, acknowledges at once, and
 * resumes the thread in the background under a per-thread lock with a resume map keyed by interrupt id. A failed
 * resume is retried and reported through `onError`, never dropped silently.
 */
export function createLangGraphResumeHandler(options: LangGraphResumeHandlerOptions): LangGraphResumeHandler {
  const chosen = options.target ?? (options.graph ? localGraphTarget(options.graph) : undefined);
  if (!chosen) throw new TypeError('createLangGraphResumeHandler needs a graph or a target');
  const target: GraphResumeTarget = chosen;
  const jobs = createKeyedLock();
  const attempts = options.retry?.attempts ?? 5;
  const delayMs = options.retry?.delayMs ?? ((n: number) => 200 * 2 ** n);

  function schedule(threadId: string, decision?: Decision): Promise<ThreadResumeResult | undefined> {
    const known = new Map(decision ? [[decision.requestId, decision]] : []);
    return jobs.run(threadId, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await resumeThread(target, options.client, threadId, known);
          if (result.resumed.length > 0) await options.onResumed?.(result);
          return result;
        } catch (error) {
          const final = attempt >= attempts;
          options.onError?.(error, { threadId, requestId: decision?.requestId ?? '', attempt, final });
          if (final) return undefined;
          await new Promise((r) => setTimeout(r, delayMs(attempt)));
        }
      }
    });
  }

  const receiver = createWebhookReceiver({
    secret: options.secret,
    ...(options.previousSecret ? { previousSecret: options.previousSecret } : {}),
    client: options.client,
    ...(options.dedupe ? { dedupe: options.dedupe } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    onDecision: (decision, info) => {
      const threadId = threadOf(info.request?.metadata) ?? threadOf(info.payload.metadata);
      if (!threadId) {
        options.onError?.(
          new Error(`Request ${decision.requestId} carries no langgraph_thread_id; nothing to resume`),
          {
            threadId: '',
            requestId: decision.requestId,
            attempt: 0,
            final: true,
          },
        );
        return;
      }
      void schedule(threadId, decision);
    },
  });

  return {
    ...receiver,
    idle: jobs.idle,
    async reconcile({ since }) {
      const threads = new Set<string>();
      for (let cursor: string | undefined, more = true; more; ) {
        const page = await options.client.listRequests({
          decided_since: since,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const request of page.requests) {
          const threadId = threadOf(request.metadata);
          if (threadId) threads.add(threadId);
        }
        cursor = page.next_cursor ?? undefined;
        more = Boolean(page.next_cursor);
      }
      const results = await Promise.all([...threads].map((threadId) => schedule(threadId)));
      return results.filter((r): r is ThreadResumeResult => r !== undefined);
    },
  };
}
