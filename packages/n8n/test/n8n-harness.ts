import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ICredentialType,
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  INode,
  INodeExecutionData,
  INodeParameters,
  INodeType,
  INodeTypes,
  IWebhookFunctions,
  IWebhookResponseData,
  NodeParameterValueType,
} from 'n8n-workflow';
import { getNodeParameters, Workflow } from 'n8n-workflow';

/**
 * A thin stand-in for the n8n runtime around ONE node (named as such: it is not n8n). It gives the node what n8n
 * gives it: parameters with defaults and real n8n expressions (n8n-workflow's own `Workflow` evaluates them), the
 * credential's generic authentication applied to HTTP calls, a signed resume URL served over real HTTP on 127.0.0.1,
 * and n8n's waiting-execution rules: a resume URL with a bad signature is refused, a webhook resumes the execution
 * only when `webhook()` returns workflow data, and an execution that already resumed takes no more calls.
 */

export interface Credentials {
  baseUrl: string;
  apiKey: string;
  webhookSecret: string;
  previousWebhookSecret?: string;
}

export interface Execution {
  id: string;
  runIndex: number;
  status: 'waiting' | 'resumed' | 'finished';
  waitTill?: Date;
  /** The signed resume URL handed to the node. */
  resumeUrl?: string;
  /** What `execute()` returned: n8n's output if the wait runs out. */
  executeOutput: INodeExecutionData[][];
  /** What `webhook()` returned when it resumed the execution. */
  resumedOutput?: INodeExecutionData[][];
  responses: { status: number; body: unknown }[];
}

const SIGNING_SECRET = 'n8n-instance-signing-secret';
const sign = (url: string) => createHmac('sha256', SIGNING_SECRET).update(url).digest('hex');

type Res = { statusCode: number; body: unknown };

export class N8nHarness {
  readonly executions = new Map<string, Execution>();
  readonly node: INode;
  private server?: Server;
  private base = '';
  private readonly workflow: Workflow;

  constructor(
    private readonly nodeType: INodeType,
    private readonly credentialType: ICredentialType,
    private readonly credentials: Credentials,
    parameters: INodeParameters,
    readonly workflowId = 'wf_refunds',
  ) {
    this.node = {
      id: 'node-approve-1',
      name: 'Contro1 Approval',
      type: 'n8n-nodes-contro1.contro1',
      typeVersion: 1,
      position: [0, 0],
      parameters,
    };
    const nodeTypes: INodeTypes = {
      getByName: () => nodeType,
      getByNameAndVersion: () => nodeType,
      getKnownTypes: () => ({}),
    } as unknown as INodeTypes;
    this.workflow = new Workflow({
      id: workflowId,
      name: 'Refund approvals',
      nodes: [this.node],
      connections: {},
      active: false,
      nodeTypes,
    });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.onWaitingWebhook(req).then(({ statusCode, body }) => {
        res.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook-waiting`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Runs `execute()` for one node run, as n8n does when the workflow reaches the node. */
  async run(
    items: IDataObject[],
    options: { executionId: string; runIndex?: number; continueOnFail?: boolean },
  ) {
    const execution: Execution = {
      id: options.executionId,
      runIndex: options.runIndex ?? 0,
      status: 'finished',
      executeOutput: [],
      responses: [],
    };
    const input = items.map((json) => ({ json }));
    const ctx = this.executeContext(execution, input, options.continueOnFail ?? false);
    execution.executeOutput = (await this.nodeType.execute?.call(
      ctx as unknown as IExecuteFunctions,
    )) as INodeExecutionData[][];
    this.executions.set(execution.id, execution);
    return execution;
  }

  /** The parameter as n8n hands it to the node: defaults filled in, expressions evaluated for the item. */
  private parameter(
    name: string,
    itemIndex: number,
    runIndex: number,
    input: INodeExecutionData[],
    fallback?: unknown,
  ) {
    const description = this.nodeType.description;
    const all = getNodeParameters(
      description.properties,
      this.node.parameters,
      true,
      false,
      this.node,
      description,
    );
    let value: unknown = all;
    for (const part of name.split('.')) value = (value as IDataObject | undefined)?.[part];
    if (value === undefined) return fallback;
    return this.workflow.expression.getParameterValue(
      value as NodeParameterValueType,
      null,
      runIndex,
      itemIndex,
      this.node.name,
      input,
      'manual',
      {},
    );
  }

  private common(execution: Execution) {
    return {
      getNode: () => this.node,
      getWorkflow: () => ({ id: this.workflowId, name: 'Refund approvals', active: false }),
      getExecutionId: () => execution.id,
      getCredentials: async () => ({ ...this.credentials }),
      logger: {
        warn: () => undefined,
        info: () => undefined,
        debug: () => undefined,
        error: () => undefined,
      },
      helpers: {
        httpRequestWithAuthentication: (_type: string, options: IHttpRequestOptions) => this.http(options),
      },
    };
  }

  private executeContext(execution: Execution, input: INodeExecutionData[], continueOnFail: boolean) {
    return {
      ...this.common(execution),
      getInputData: () => input,
      getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) =>
        this.parameter(name, itemIndex, execution.runIndex, input, fallback),
      evaluateExpression: (expression: string, itemIndex: number) =>
        this.workflow.expression.getParameterValue(
          `=${expression}`,
          null,
          execution.runIndex,
          itemIndex,
          this.node.name,
          input,
          'manual',
          {},
        ),
      getSignedResumeUrl: (params: Record<string, string> = {}) => {
        const url = new URL(`${this.base}/${execution.id}/${this.node.id}`);
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        url.searchParams.set('signature', sign(url.toString()));
        execution.resumeUrl = url.toString();
        return execution.resumeUrl;
      },
      putExecutionToWait: async (waitTill: Date) => {
        execution.status = 'waiting';
        execution.waitTill = waitTill;
      },
      continueOnFail: () => continueOnFail,
    };
  }

  /** n8n's `/webhook-waiting/:executionId/:nodeId` route, reduced to what concerns one waiting node. */
  private async onWaitingWebhook(req: IncomingMessage): Promise<Res> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.base);
    const [executionId, nodeId] = url.pathname.split('/').slice(-2);
    const execution = this.executions.get(executionId ?? '');
    if (execution?.status !== 'waiting' || nodeId !== this.node.id)
      return { statusCode: 409, body: { message: 'The execution is not waiting' } };
    const given = url.searchParams.get('signature') ?? '';
    url.searchParams.delete('signature');
    const expected = sign(url.toString().replace(/\?$/, ''));
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected)))
      return { statusCode: 401, body: { message: 'Invalid token' } };

    const response = { statusCode: 200, body: undefined as unknown, sent: false };
    const res = {
      status(code: number) {
        response.statusCode = code;
        return res;
      },
      json(body: unknown) {
        response.body = body;
        response.sent = true;
        return res;
      },
    };
    let parsed: IDataObject = {};
    try {
      parsed = JSON.parse(rawBody.toString('utf8')) as IDataObject;
    } catch {}
    const request = {
      method: req.method,
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      body: parsed,
      rawBody,
    };
    const ctx = {
      ...this.common(execution),
      getRequestObject: () => request,
      getResponseObject: () => res,
      getHeaderData: () => req.headers,
      getQueryData: () => Object.fromEntries(url.searchParams),
      getBodyData: () => parsed,
      getNodeParameter: (name: string, fallback?: unknown) =>
        this.parameter(name, 0, execution.runIndex, [], fallback),
    };
    const result = (await this.nodeType.webhook?.call(
      ctx as unknown as IWebhookFunctions,
    )) as IWebhookResponseData;
    if (result.workflowData) {
      execution.status = 'resumed';
      execution.resumedOutput = result.workflowData;
    }
    const out = result.noWebhookResponse ? response : { statusCode: 200, body: result.webhookResponse };
    execution.responses.push({ status: out.statusCode, body: out.body });
    return out;
  }

  /** n8n's request helper with the credential's generic authentication: JSON in and out, throws on non-2xx. */
  private async http(options: IHttpRequestOptions): Promise<unknown> {
    const auth = (this.credentialType.authenticate as { properties: { headers: Record<string, string> } })
      .properties.headers;
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [k, v] of Object.entries(auth))
      headers[k] = v.replace(/^=/, '').replace('{{$credentials.apiKey}}', this.credentials.apiKey);
    for (const [k, v] of Object.entries(options.headers ?? {})) headers[k] = String(v);
    const url = new URL(options.url);
    for (const [k, v] of Object.entries((options.qs as IDataObject | undefined) ?? {}))
      url.searchParams.set(k, String(v));
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    const body = text ? (JSON.parse(text) as unknown) : {};
    if (!res.ok)
      throw Object.assign(new Error(`Request failed with status code ${res.status}`), {
        httpCode: String(res.status),
        description: body,
      });
    return body;
  }
}
