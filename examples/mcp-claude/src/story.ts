import { createRequire } from 'node:module';
import { startHarness, waitFor } from '@contro1/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export interface StoryOutcome {
  deploy: { status: string; approved: boolean; comment: string | null };
  bashAllowed: unknown;
  bashDenied: unknown;
  caseTimeline: string[];
}

/** The built `contro1-mcp` binary, exactly what `npx @contro1/mcp` runs. */
const binary = createRequire(import.meta.url)
  .resolve('@contro1/mcp/package.json')
  .replace(/package\.json$/, 'dist/bin.js');

/**
 * Plays Claude's part end to end over stdio against a real reference server: the model asks for approval and
 * waits; Claude Code's permission prompt asks about two Bash calls. A scripted reviewer answers in the meantime.
 */
export async function runClaudeStory(log: (line: string) => void = () => {}): Promise<StoryOutcome> {
  const server = await startHarness();
  const claude = new Client({ name: 'claude-code (scripted)', version: '1.0.0' });
  await claude.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [binary],
      env: {
        ...(process.env as Record<string, string>),
        CENTCOM_API_KEY: server.org.api_key,
        CENTCOM_BASE_URL: server.apiUrl,
        CONTRO1_MCP_WAIT_SECONDS: '5',
      },
      stderr: 'ignore',
    }),
  );
  const reviewer = async (question: string, answer: Record<string, unknown>) => {
    const request = await waitFor(async () => {
      const queue = await server.operator(server.org.reviewer_token).get('/operator/queue');
      return (queue.body.data as { id: string; question: string }[]).find((r) => r.question === question);
    });
    await server.decide(request.id, answer);
    log(`reviewer: ${answer.approved ? 'approved' : 'rejected'} "${question}"`);
  };
  const text = (result: Record<string, unknown>) =>
    JSON.parse((result.content as { text: string }[])[0]?.text ?? 'null');

  // 1. The model asks before a deploy, then waits (a wait returns final: false until the reviewer answers).
  const asked = await claude.callTool({
    name: 'request_approval',
    arguments: {
      title: 'Deploy billing-api v2.3 to production?',
      tool_name: 'deploy',
      tool_input: { service: 'billing-api', version: '2.3' },
      risk_level: 'high',
      case_id: 'release-2.3',
    },
  });
  const requestId = (asked.structuredContent as { request_id: string }).request_id;
  log(`claude: asked for approval (${requestId})`);
  const [waited] = await Promise.all([
    claude.callTool({ name: 'wait_for_decision', arguments: { request_id: requestId } }),
    reviewer('Deploy billing-api v2.3 to production?', { approved: true, comment: 'Change window is open' }),
  ]);
  const deploy = waited.structuredContent as StoryOutcome['deploy'];
  log(`claude: decision ${deploy.status} (${deploy.comment})`);
  if (deploy.approved) {
    await claude.callTool({
      name: 'log_action',
      arguments: {
        action: 'tool.deploy.finished',
        summary: 'Deployed billing-api 2.3',
        request_id: requestId,
        case_id: 'release-2.3',
      },
    });
  }

  // 2. Claude Code in headless mode asks the permission-prompt tool before each Bash call.
  const [allowed] = await Promise.all([
    claude.callTool({
      name: 'approve_tool_use',
      arguments: { tool_name: 'Bash', input: { command: 'npm publish' }, tool_use_id: 'toolu_1' },
    }),
    reviewer('Allow Bash?', { approved: true, comment: 'Release approved' }),
  ]);
  const [denied] = await Promise.all([
    claude.callTool({
      name: 'approve_tool_use',
      arguments: { tool_name: 'Bash', input: { command: 'git push --force' }, tool_use_id: 'toolu_2' },
    }),
    reviewer('Allow Bash?', { approved: false, comment: 'No force pushes to main' }),
  ]);
  const timeline = await claude.callTool({
    name: 'get_case_timeline',
    arguments: { case_id: 'release-2.3' },
  });
  const outcome: StoryOutcome = {
    deploy,
    bashAllowed: text(allowed),
    bashDenied: text(denied),
    caseTimeline: (timeline.structuredContent as { items: { what: string; status: string }[] }).items.map(
      (i) => `${i.what}:${i.status}`,
    ),
  };
  log(`claude code: npm publish → ${JSON.stringify(outcome.bashAllowed)}`);
  log(`claude code: git push --force → ${JSON.stringify(outcome.bashDenied)}`);
  await claude.close();
  await server.close();
  return outcome;
}
