// The README's code blocks, typechecked with the package (readme.test.ts keeps them identical).
import * as http from 'node:http';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { ResumableGraph } from '../src/index.js';
import { requestApproval } from '../src/index.js';

declare const refundTool: StructuredToolInterface;
declare function buildGraph(tools: unknown): ResumableGraph;

import { CentcomClient, toNodeListener } from '@contro1/core';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { createLangGraphResumeHandler, withApproval } from '../src/index.js';

const client = new CentcomClient(); // CENTCOM_API_KEY, CENTCOM_BASE_URL
const callbackUrl = 'https://agent.example.com/contro1'; // reaches the server below
const tools = new ToolNode([withApproval(refundTool, { client, callbackUrl })]);
const graph = buildGraph(tools); // your StateGraph, compiled with a durable checkpointer
const secret = process.env.CENTCOM_WEBHOOK_SECRET ?? '';
const handler = createLangGraphResumeHandler({ graph, client, secret });
http.createServer(toNodeListener(handler)).listen(8788);

export async function node() {
  const approval = await requestApproval(
    { title: 'Delete the staging DB?', toolName: 'drop_db', toolInput: { db: 'staging' } },
    { client, callbackUrl },
  );
  if (!approval.approved) return { status: 'skipped', reason: approval.comment };
  return { status: 'done' };
}
