import { isAbsolute, relative, resolve } from 'node:path';
import type { CentcomClient } from '@contro1/core';
import { describeCommand } from '../command-context.js';
import { createCommandRequest, waitForCommandDecision } from '../gate.js';

/** What Claude Code sends a `PreToolUse` hook on stdin. */
export interface PreToolUseInput {
  session_id: string;
  cwd: string;
  hook_event_name: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
}

export interface HookRules {
  /** Bash commands matching any of these need a human; with none given every Bash call does. */
  bash: RegExp[];
  /** File writes (Write, Edit, MultiEdit, NotebookEdit) outside this directory need a human. */
  writeOutside?: string;
}

export interface HookOutput {
  hookSpecificOutput: {
    hookEventName: 'PreToolUse';
    permissionDecision: 'allow' | 'deny';
    permissionDecisionReason: string;
  };
}

const WRITE_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

export function needsApproval(input: PreToolUseInput, rules: HookRules): boolean {
  if (input.tool_name === 'Bash') {
    const command = String(input.tool_input.command ?? '');
    return rules.bash.length === 0 || rules.bash.some((re) => re.test(command));
  }
  if (WRITE_TOOLS.has(input.tool_name) && rules.writeOutside) {
    const target = String(input.tool_input.file_path ?? input.tool_input.notebook_path ?? '');
    const root = resolve(input.cwd, rules.writeOutside);
    const rel = relative(root, resolve(input.cwd, target));
    return rel.startsWith('..') || isAbsolute(rel);
  }
  return false;
}

const answer = (permissionDecision: 'allow' | 'deny', permissionDecisionReason: string): HookOutput => ({
  hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision, permissionDecisionReason },
});

/**
 * The `PreToolUse` hook: calls that match the rules become Contro1 requests (one per tool call, so a retried hook
 * continues the same request) and get allow only on an explicit approval; no output for calls that need nobody.
 */
export async function claudeCodeHook(
  input: PreToolUseInput,
  rules: HookRules,
  options: { client: CentcomClient; timeoutMs: number; intervalMs?: number },
): Promise<HookOutput | undefined> {
  if (input.hook_event_name !== 'PreToolUse' || !needsApproval(input, rules)) return undefined;
  const ctx = await describeCommand([input.tool_name, JSON.stringify(input.tool_input)], input.cwd);
  const request = await createCommandRequest(options.client, ctx, {
    source: 'claude-code',
    title:
      input.tool_name === 'Bash'
        ? `Claude Code wants to run \`${String(input.tool_input.command).slice(0, 200)}\``
        : `Claude Code wants to use ${input.tool_name}`,
    externalId: `claude-code:${input.session_id}:${ctx.command_sha256.slice(0, 32)}`,
    caseId: `claude-code:${input.session_id}`,
  });
  const { decision } = await waitForCommandDecision(options.client, request.id, {
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs ?? 2_000,
  });
  if (!decision)
    return answer(
      'deny',
      `No human decision yet on ${request.id}; not allowed for now. Retry to keep waiting.`,
    );
  if (decision.outcome === 'approved')
    return answer(
      'allow',
      `Approved in Contro1${decision.decidedBy ? ` by ${decision.decidedBy}` : ''} (${request.id})`,
    );
  return answer(
    'deny',
    `Not approved in Contro1 (${decision.outcome}${decision.comment ? `: ${decision.comment}` : ''})`,
  );
}

/** The `.claude/settings.json` fragment that installs the hook. */
export function hookSettings(rules: { bash: string[]; writeOutside?: string }, timeoutSeconds: number) {
  const flags = [
    ...rules.bash.map((b) => `--bash '${b.replaceAll("'", "'\\''")}'`),
    ...(rules.writeOutside ? [`--write-outside '${rules.writeOutside}'`] : []),
  ];
  return {
    hooks: {
      PreToolUse: [
        {
          matcher: 'Bash|Write|Edit|MultiEdit|NotebookEdit',
          hooks: [
            {
              type: 'command',
              command: ['contro1 hooks claude-code', ...flags, `--timeout ${timeoutSeconds}`].join(' '),
              timeout: timeoutSeconds + 30,
            },
          ],
        },
      ],
    },
  };
}
