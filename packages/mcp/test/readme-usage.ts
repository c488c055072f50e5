// The README's usage block, typechecked with the package (readme.test.ts keeps the two identical).
import { CentcomClient } from '@contro1/core';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createContro1McpServer } from '../src/index.js';

const server = createContro1McpServer({ client: new CentcomClient(), waitBudgetMs: 45_000 });
await server.connect(new StdioServerTransport());
