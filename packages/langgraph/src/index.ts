export type { HitlDecision, HumanInterrupt, HumanResponse } from './agent-inbox.js';
export { fromHumanInterrupt, toHitlDecisions, toHumanResponse } from './agent-inbox.js';
export type { ToolApprovalOptions } from './approval-tool.js';
export { withApproval } from './approval-tool.js';
export type { ApprovalOptions, ApprovalRequest, ApprovalResult } from './request-approval.js';
export { caseIdFor, requestApproval } from './request-approval.js';
export type { ApprovalInterruptValue, ResumeEnvelope } from './resume-envelope.js';
export { isApprovalInterrupt } from './resume-envelope.js';
export type {
  LangGraphResumeHandler,
  LangGraphResumeHandlerOptions,
  ResumeFailure,
} from './resume-handler.js';
export { createLangGraphResumeHandler } from './resume-handler.js';
export type {
  GraphResumeTarget,
  LangGraphSdkClient,
  PendingApproval,
  ResumableGraph,
} from './resume-target.js';
export { localGraphTarget, remoteGraphTarget } from './resume-target.js';
export type { ThreadResumeResult } from './resume-thread.js';
export { resumeThread } from './resume-thread.js';
export type { ResumeWhenDecidedOptions } from './resume-when-decided.js';
export { resumeWhenDecided } from './resume-when-decided.js';
