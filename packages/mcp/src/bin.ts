#!/usr/bin/env node
import { CentcomClient } from '@contro1/core';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadConfig } from './config.js';
import { startHttpServer } from './http-server.js';
import { createContro1McpServer } from './server.js';

// stdout belongs to the MCP protocol on stdio: every human-readable line goes to stderr.
const log = (line: string) => process.stderr.write(`${line}\n`);

try {
  const config = loadConfig(process.argv.slice(2), process.env);
  const client = new CentcomClient({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    userAgent: 'contro1-mcp',
  });
  const common = { client, elicitation: config.elicitation, waitBudgetMs: config.waitBudgetMs };
  if (config.transport === 'http') {
    await startHttpServer({
      ...common,
      host: config.host,
      port: config.port,
      ...(config.token ? { token: config.token } : {}),
      log,
    });
  } else {
    await createContro1McpServer(common).connect(new StdioServerTransport());
    log(`contro1-mcp ready on stdio (${config.baseUrl})`);
  }
} catch (error) {
  log(`contro1-mcp: ${(error as Error).message}`);
  process.exit(2);
}
