import type { CentcomClient } from '@contro1/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { structured } from './results.js';

/**
 * Optional local confirmation through MCP elicitation (off by default). The person at the keyboard answers; the
 * answer is recorded as an audit record tagged `self-approval` and is never an answer to a Contro1 request.
 */
export function registerSelfApproval(server: McpServer, client: CentcomClient): void {
  server.registerTool(
    'confirm_locally',
    {
      title: 'Ask the person at the keyboard',
      description:
        'Asks the user of this MCP client to confirm an action, and records the answer as a self-approval audit record. This is NOT a Contro1 approval: for actions that need a reviewer, use request_approval.',
      inputSchema: { summary: z.string().min(1).max(2000).describe('What would be done') },
      outputSchema: { confirmed: z.boolean(), audit_record_id: z.string() },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    async (args) => {
      const answer = await server.server.elicitInput({
        mode: 'form',
        message: `Confirm: ${args.summary}`,
        requestedSchema: {
          type: 'object',
          properties: { confirm: { type: 'boolean', title: 'Go ahead?' } },
          required: ['confirm'],
        },
      });
      const confirmed = answer.action === 'accept' && answer.content?.confirm === true;
      const record = await client.logAction({
        action: confirmed ? 'mcp.self_approval.confirmed' : 'mcp.self_approval.declined',
        summary: args.summary,
        source: { integration: 'mcp' },
        outcome: confirmed ? 'success' : 'denied',
        tags: ['self-approval'],
        metadata: {
          elicitation_action: answer.action,
          note: 'Confirmed by the MCP client user, not by a Contro1 reviewer',
        },
      });
      return structured({ confirmed, audit_record_id: record.id });
    },
  );
}
