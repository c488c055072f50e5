import { describe, expect, it } from 'vitest';
import { runClaudeStory } from './story.js';

describe('mcp-claude example', () => {
  it('plays Claude and Claude Code end to end over stdio', async () => {
    const outcome = await runClaudeStory();
    expect(outcome.deploy).toMatchObject({
      status: 'approved',
      approved: true,
      comment: 'Change window is open',
    });
    expect(outcome.bashAllowed).toEqual({ behavior: 'allow', updatedInput: { command: 'npm publish' } });
    expect(outcome.bashDenied).toEqual({
      behavior: 'deny',
      message: 'A human did not approve Bash (denied: No force pushes to main).',
    });
    expect(outcome.caseTimeline).toEqual([
      'Deploy billing-api v2.3 to production?:approved',
      'tool.deploy.finished:success',
    ]);
  });
});
