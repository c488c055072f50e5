import { randomUUID } from 'node:crypto';
import type { CentcomClient } from '@contro1/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerSelfApproval } from './self-approval.js';
import { registerTools } from './tools.js';
import { VERSION } from './version.js';

export interface Contro1McpOptions {
  client: CentcomClient;
  /** Enable `confirm_locally` (MCP elicitation, recorded as self-approval). Default false. */
  elicitation?: boolean;
  /** Per-call wait limit for `wait_for_decision` and `approve_tool_use`; default 45 s. */
  waitBudgetMs?: number;
  pollIntervalMs?: number;
  callbackUrl?: string;
  /** Idempotency scope; a new random one per server instance by default. */
  sessionKey?: string;
}

/** One MCP server instance (one per stdio process or HTTP session) exposing the Contro1 tools. */
export function createContro1McpServer(options: Contro1McpOptions): McpServer {
  const server = new McpServer(
    { name: 'contro1', version: VERSION },
    {
      instructions:
        'Before a risky action (payments, deletions, deploys, messages to customers), call request_approval, then wait_for_decision until final is true. Perform the action only if approved is true, then record it with log_action.',
    },
  );
  registerTools(server, {
    client: options.client,
    sessionKey: options.sessionKey ?? randomUUID(),
    waitBudgetMs: options.waitBudgetMs ?? 45_000,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
  });
  if (options.elicitation) registerSelfApproval(server, options.client);
  return server;
}
