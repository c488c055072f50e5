// The README's usage block, typechecked with the package (readme.test.ts keeps the two identical).
import * as http from 'node:http';
import type { FunctionTool } from '@openai/agents';
import type { AnyRunResult } from '../src/index.js';

declare const sendPayment: FunctionTool<unknown, never, string>;
declare const callbackUrl: string;
declare const secret: string;
declare function onResult(result: AnyRunResult): void;

import { CentcomClient, toNodeListener } from '@contro1/core';
import { createAgentsResumeHandler, createSqliteRunStateStore, guardTool, submitInterruptions } from '../src/index.js';
import { Agent, run } from '@openai/agents';

const client = new CentcomClient(); // CENTCOM_API_KEY, CENTCOM_BASE_URL
const store = createSqliteRunStateStore('.contro1/agent-runs.db');
const payTool = guardTool(sendPayment, { when: (args) => Number(args.amount) > 1_000 });
const agent = new Agent({ name: 'payments', instructions: 'Pay vendors.', tools: [payTool] });
const result = await run(agent, 'Pay ACME $5,000');
if (result.interruptions.length > 0) {
  await submitInterruptions(result, { client, store, runKey: 'run-42', appVersion: '1.4.0', callbackUrl });
}
const handler = createAgentsResumeHandler({ agent, client, store, appVersion: '1.4.0', secret, onResult });
http.createServer(toNodeListener(handler)).listen(8789); // callbackUrl points here
