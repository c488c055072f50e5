export type { HookOutput, HookRules, PreToolUseInput } from './commands/claude-code-hook.js';
export { claudeCodeHook, hookSettings, needsApproval } from './commands/claude-code-hook.js';
export type { Io, RunOptions } from './commands/run.js';
export { runCommand } from './commands/run.js';
export { EXIT, ExitError, exitCodeFor } from './exit-codes.js';
export type { HubOptions, Plan, PlanStatus } from './hub/hub.js';
export { createHub } from './hub/hub.js';
