import { spawn } from 'node:child_process';
import { CentcomClient } from '@contro1/core';
import { type Harness, startHarness, waitFor } from '@contro1/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from './http-server.js';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
let h: Harness;
let offset = 0;
let http: Awaited<ReturnType<typeof startHttpServer>>;

beforeAll(async () => {
  h = await startHarness({ clock: () => Date.now() + offset });
  http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    client: new CentcomClient({ apiKey: h.org.api_key, baseUrl: h.apiUrl }),
    waitBudgetMs: 3_000,
    pollIntervalMs: 100,
    elicitation: true,
  });
});
afterAll(async () => {
  await http.close();
  await h.close();
});

type Structured = {
  request_id: string;
  status: string;
  final: boolean;
  approved: boolean;
  comment: string | null;
  reviewer_url: string | null;
};

async function connect(kind: 'stdio' | 'http'): Promise<Client> {
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } } },
  );
  client.setRequestHandler(ElicitRequestSchema, async () => ({
    action: 'accept',
    content: { confirm: true },
  }));
  if (kind === 'stdio') {
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [bin],
        env: {
          ...(process.env as Record<string, string>),
          CENTCOM_API_KEY: h.org.api_key,
          CENTCOM_BASE_URL: h.apiUrl,
          CONTRO1_MCP_WAIT_SECONDS: '3',
        },
        stderr: 'ignore',
      }),
    );
  } else {
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  }
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown>) => {
  const result = await client.callTool({ name, arguments: args });
  return { result, data: result.structuredContent as Structured };
};

/** Stands in for the human: answers the newest open request whose question matches. */
async function decideWhenAsked(question: string, answer: Record<string, unknown>) {
  const request = await waitFor(async () => {
    const queue = await h.operator(h.org.reviewer_token).get('/operator/queue');
    return (queue.body.data as { id: string; question: string }[]).find((r) => r.question === question);
  });
  await h.decide(request.id, answer);
  return request.id;
}

describe.each(['stdio', 'http'] as const)('contro1-mcp over %s against the real server', (kind) => {
  let client: Client;
  beforeAll(async () => {
    client = await connect(kind);
  });
  afterAll(() => client.close());

  it('lists the tools with schemas and annotations', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'approve_tool_use',
        'cancel_request',
        'get_case_timeline',
        'get_request',
        'log_action',
        'request_approval',
        'wait_for_decision',
      ]),
    );
    const wait = tools.find((t) => t.name === 'wait_for_decision');
    expect(wait?.annotations).toMatchObject({ readOnlyHint: true });
    expect(wait?.outputSchema?.properties).toHaveProperty('approved');
  });

  it('request → a reviewer approves → wait_for_decision says approved; the same call again is the same request', async () => {
    const args = {
      title: `Deploy api (${kind})?`,
      tool_name: 'deploy',
      tool_input: { service: 'api' },
      risk_level: 'medium',
    };
    const { data } = await call(client, 'request_approval', args);
    expect(data).toMatchObject({
      status: 'pending',
      final: false,
      approved: false,
      reviewer_url: expect.stringContaining('/console/requests/req_'),
    });
    expect((await call(client, 'request_approval', args)).data.request_id).toBe(data.request_id);
    const pending = await call(client, 'wait_for_decision', { request_id: data.request_id });
    expect(pending.data).toMatchObject({ final: false, approved: false });
    const progress: number[] = [];
    const [result] = await Promise.all([
      client.callTool({ name: 'wait_for_decision', arguments: { request_id: data.request_id } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      }),
      new Promise((r) => setTimeout(r, 400)).then(() =>
        h.decide(data.request_id, { approved: true, comment: 'Ship it' }),
      ),
    ]);
    expect(result.structuredContent).toMatchObject({
      status: 'approved',
      final: true,
      approved: true,
      comment: 'Ship it',
      decided_by: 'Admin',
    });
    expect(progress.length).toBeGreaterThan(0);
    const logged = await call(client, 'log_action', {
      action: 'tool.deploy.finished',
      summary: 'Deployed api',
      request_id: data.request_id,
      case_id: `case-${kind}`,
    });
    expect(logged.result.isError).toBeFalsy();
  });

  it('reject with a comment, cancel and expiry all come back as not approved', async () => {
    const rejected = (await call(client, 'request_approval', { title: `Email all customers (${kind})?` }))
      .data;
    await h.decide(rejected.request_id, { approved: false, comment: 'Legal has not signed off' });
    expect((await call(client, 'wait_for_decision', { request_id: rejected.request_id })).data).toMatchObject(
      {
        status: 'denied',
        approved: false,
        comment: 'Legal has not signed off',
      },
    );

    const cancelled = (await call(client, 'request_approval', { title: `Rotate keys (${kind})?` })).data;
    expect(
      (await call(client, 'cancel_request', { request_id: cancelled.request_id })).result.structuredContent,
    ).toMatchObject({ ok: true });
    expect((await call(client, 'get_request', { request_id: cancelled.request_id })).data).toMatchObject({
      status: 'cancelled',
      final: true,
      approved: false,
    });

    const expiring = (
      await call(client, 'request_approval', { title: `Drop table (${kind})?`, sla_minutes: 1 })
    ).data;
    offset += 2 * 60_000;
    await waitFor(
      async () => (await call(client, 'get_request', { request_id: expiring.request_id })).data.final,
    );
    expect((await call(client, 'wait_for_decision', { request_id: expiring.request_id })).data).toMatchObject(
      { status: 'timed_out', approved: false },
    );
  });

  it('approve_tool_use answers Claude Code allow (with the input) and deny (with the reason)', async () => {
    const input = { command: `git push origin main # ${kind}` };
    const [allowed] = await Promise.all([
      client.callTool({
        name: 'approve_tool_use',
        arguments: { tool_name: 'Bash', input, tool_use_id: `tu-${kind}-1` },
      }),
      decideWhenAsked('Allow Bash?', { approved: true, comment: 'ok' }),
    ]);
    expect(JSON.parse((allowed.content as { text: string }[])[0]!.text)).toEqual({
      behavior: 'allow',
      updatedInput: input,
    });

    const [denied] = await Promise.all([
      client.callTool({
        name: 'approve_tool_use',
        arguments: {
          tool_name: 'Bash',
          input: { command: `rm -rf / # ${kind}` },
          tool_use_id: `tu-${kind}-2`,
        },
      }),
      decideWhenAsked('Allow Bash?', { approved: false, comment: 'Never on this host' }),
    ]);
    expect(JSON.parse((denied.content as { text: string }[])[0]!.text)).toEqual({
      behavior: 'deny',
      message: 'A human did not approve Bash (denied: Never on this host).',
    });
  });

  it('an undecided approve_tool_use denies for now, fail-closed', async () => {
    const result = await client.callTool({
      name: 'approve_tool_use',
      arguments: { tool_name: 'Write', input: { path: `/etc/${kind}` } },
    });
    const answer = JSON.parse((result.content as { text: string }[])[0]!.text);
    expect(answer).toMatchObject({
      behavior: 'deny',
      message: expect.stringMatching(/No decision yet on Write/),
    });
  });

  it('bad arguments and unknown ids are tool errors with a clear message, and the server keeps working', async () => {
    const bad = await client.callTool({ name: 'request_approval', arguments: { title: 42 } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/title/);
    const unknown = await client.callTool({ name: 'get_request', arguments: { request_id: 'req_nope' } });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toMatch(/not_found/);
    expect((await client.listTools()).tools.length).toBeGreaterThan(5);
  });
});

describe('transport safety and start-up', () => {
  it('stdio refuses to start without CENTCOM_API_KEY, with one sentence on stderr', async () => {
    const child = spawn(process.execPath, [bin], { env: { PATH: process.env.PATH ?? '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'contro1-mcp: CENTCOM_API_KEY is not set: add it to the MCP server\'s "env" in your client configuration.',
    );
  });

  it('HTTP needs a token off loopback, checks it, and refuses foreign Host headers', async () => {
    const client = new CentcomClient({ apiKey: h.org.api_key, baseUrl: h.apiUrl });
    await expect(startHttpServer({ host: '0.0.0.0', port: 0, client })).rejects.toThrow(/without a token/);
    const guarded = await startHttpServer({ host: '127.0.0.1', port: 0, client, token: 'secret-token-1' });
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    expect((await fetch(guarded.url, { method: 'POST', headers, body: JSON.stringify(init) })).status).toBe(
      401,
    );
    const ok = await fetch(guarded.url, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer secret-token-1' },
      body: JSON.stringify(init),
    });
    expect(ok.status).toBe(200);
    const { request } = await import('node:http');
    const rebinding = await new Promise<number>((resolve) => {
      const u = new URL(guarded.url);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: '/mcp',
          method: 'POST',
          headers: { ...headers, host: 'evil.example:80', authorization: 'Bearer secret-token-1' },
        },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.end(JSON.stringify(init));
    });
    expect(rebinding).toBe(403);
    await guarded.close();
  });

  it('confirm_locally elicits the user and records a self-approval audit record, never a request answer', async () => {
    const client = await connect('http');
    const result = await client.callTool({
      name: 'confirm_locally',
      arguments: { summary: 'Format the scratch disk' },
    });
    expect(result.structuredContent).toMatchObject({ confirmed: true });
    const id = (result.structuredContent as { audit_record_id: string }).audit_record_id;
    const record = await new CentcomClient({ apiKey: h.org.api_key, baseUrl: h.apiUrl }).getAuditRecord(id);
    expect(record).toMatchObject({
      action: 'mcp.self_approval.confirmed',
      tags: ['self-approval'],
      outcome: 'success',
    });
    expect(record.in_reply_to).toBeUndefined();
    await client.close();
  });
});
