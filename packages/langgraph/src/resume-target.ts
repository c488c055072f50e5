import { Command } from '@langchain/langgraph';
import { type ApprovalInterruptValue, isApprovalInterrupt, type ResumeEnvelope } from './resume-envelope.js';

export interface PendingApproval {
  /** LangGraph's interrupt id: the key of the resume map. */
  interruptId: string;
  value: ApprovalInterruptValue;
}

/** Where a thread's pending approvals are read and the thread is resumed: an in-process graph or a LangGraph server. */
export interface GraphResumeTarget {
  pendingApprovals(threadId: string): Promise<PendingApproval[]>;
  /** Resumes with `{[interruptId]: envelope}` for every decided interrupt at once. */
  resume(threadId: string, resumeMap: Record<string, ResumeEnvelope>): Promise<unknown>;
}

interface StateTask {
  interrupts?: { id?: string; value?: unknown }[];
}

function collect(tasks: readonly StateTask[] | undefined): PendingApproval[] {
  const pending: PendingApproval[] = [];
  for (const task of tasks ?? []) {
    for (const intr of task.interrupts ?? []) {
      if (intr.id && isApprovalInterrupt(intr.value))
        pending.push({ interruptId: intr.id, value: intr.value });
    }
  }
  return pending;
}

/** The slice of a compiled LangGraph graph the resumer needs. */
export interface ResumableGraph {
  getState(config: { configurable: { thread_id: string } }): Promise<{ tasks: readonly StateTask[] }>;
  invoke(input: unknown, config: { configurable: { thread_id: string } }): Promise<unknown>;
}

export function localGraphTarget(graph: ResumableGraph): GraphResumeTarget {
  return {
    async pendingApprovals(threadId) {
      return collect((await graph.getState({ configurable: { thread_id: threadId } })).tasks);
    },
    resume(threadId, resumeMap) {
      return graph.invoke(new Command({ resume: resumeMap }), { configurable: { thread_id: threadId } });
    },
  };
}

/** The slice of `@langchain/langgraph-sdk`'s `Client` used for graphs deployed on a LangGraph server. */
export interface LangGraphSdkClient {
  threads: { getState(threadId: string): Promise<{ tasks: readonly StateTask[] }> };
  runs: {
    wait(threadId: string, assistantId: string, payload: { command: { resume: unknown } }): Promise<unknown>;
  };
}

export function remoteGraphTarget(sdk: LangGraphSdkClient, assistantId: string): GraphResumeTarget {
  return {
    async pendingApprovals(threadId) {
      return collect((await sdk.threads.getState(threadId)).tasks);
    },
    resume(threadId, resumeMap) {
      return sdk.runs.wait(threadId, assistantId, { command: { resume: resumeMap } });
    },
  };
}
