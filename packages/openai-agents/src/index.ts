export { ResumeRefusedError, rejectionMessage } from './apply-decisions.js';
export type { GuardPolicy, GuardRequest } from './guard-tool.js';
export { guardTool, riskAtLeast } from './guard-tool.js';
export type { AgentsResumeHandler, AgentsResumeHandlerOptions, AnyRunResult } from './resume-handler.js';
export { createAgentsResumeHandler } from './resume-handler.js';
export type { PendingCall, RunStateStore, StoredRun } from './run-state-store.js';
export {
  createMemoryRunStateStore,
  createSqliteRunStateStore,
  RUN_STATE_SCHEMA_VERSION,
} from './run-state-store.js';
export type { RunWithApprovalsOptions } from './run-with-approvals.js';
export { runWithApprovals } from './run-with-approvals.js';
export type { PausedResult, PendingApproval, SubmitOptions } from './submit-interruptions.js';
export { caseIdFor, submitInterruptions } from './submit-interruptions.js';
