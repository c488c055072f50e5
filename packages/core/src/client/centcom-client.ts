import type {
  AuditRecord,
  AuditRecordCreateParams,
  ListAuditRecordsParams,
  ListAuditRecordsResponse,
} from '../protocol/audit-record.js';
import type { ControlMapResponse } from '../protocol/control-map.js';
import { type Decision, parseDecision } from '../protocol/decision.js';
import { DEFAULT_BASE_URL } from '../protocol/enums.js';
import type { EvidencePacket } from '../protocol/evidence.js';
import type { CreateRequestParams } from '../protocol/legacy-request.js';
import { toLegacyCreateRequestParams } from '../protocol/normalise.js';
import {
  type Contro1Request,
  isProtocolRequest,
  validateContro1Request,
} from '../protocol/protocol-request.js';
import type { CentcomRequest, Contro1Response, ListRequestsResponse } from '../protocol/request-object.js';
import { fromLegacyRequest, isTerminalState } from '../protocol/status.js';
import type {
  Agent,
  RegisterAgentParams,
  RuntimeStatus,
  Timeline,
  TraceTimeline,
} from '../protocol/timeline.js';
import { Contro1Error } from './errors.js';
import { defaultSleep, type FetchLike, type Sleep, send } from './http.js';
import { newThreadId, newTraceId } from './ids.js';

export interface CentcomClientOptions {
  /** Defaults to `CENTCOM_API_KEY`, then `CONTRO1_API_KEY`. */
  apiKey?: string;
  /** Defaults to `CENTCOM_BASE_URL`, then `CONTRO1_BASE_URL`, then the hosted API. */
  baseUrl?: string;
  /** Per-attempt timeout in milliseconds (default 30 000). */
  timeout?: number;
  /** Extra attempts for idempotent calls on network errors and 5xx (default 2). */
  retries?: number;
  fetch?: FetchLike;
  /** `() => milliseconds`; used by the wait helpers. */
  clock?: () => number;
  sleep?: Sleep;
  userAgent?: string;
  /** Sent as `Contro1-Sub-Agent` (1–64 chars). */
  subAgent?: string;
  env?: Record<string, string | undefined>;
}

export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;
export type Query = Record<string, QueryValue>;

export interface ListRequestsParams {
  state?: string;
  agent_id?: string;
  thread_id?: string;
  correlation_id?: string;
  callback_state?: 'none' | 'pending' | 'delivered' | 'failed';
  decided_since?: string;
  limit?: number;
  cursor?: string;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** How long to wait before failing closed (default 10 minutes). */
  timeoutMs?: number;
  /** Poll interval (default 3 s). */
  intervalMs?: number;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'PUT']);

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Typed client for the CENTCOM v1 API. Method names follow the upstream `@contro1/sdk`. */
export class CentcomClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetchImpl: FetchLike;
  private readonly clock: () => number;
  private readonly sleep: Sleep;
  private readonly extraHeaders: Record<string, string>;
  private readonly options: CentcomClientOptions;

  constructor(options: CentcomClientOptions = {}) {
    const env = options.env ?? process.env;
    const apiKey = options.apiKey ?? env.CENTCOM_API_KEY ?? env.CONTRO1_API_KEY;
    if (!apiKey) {
      throw new Contro1Error('No API key: pass apiKey or set CENTCOM_API_KEY.', { code: 'configuration' });
    }
    const baseUrl = options.baseUrl ?? env.CENTCOM_BASE_URL ?? env.CONTRO1_BASE_URL ?? DEFAULT_BASE_URL;
    try {
      new URL(baseUrl);
    } catch {
      throw new Contro1Error(`CENTCOM_BASE_URL is not a URL: ${JSON.stringify(baseUrl)}.`, {
        code: 'configuration',
      });
    }
    if (options.subAgent !== undefined && (options.subAgent.length < 1 || options.subAgent.length > 64)) {
      throw new Contro1Error('subAgent must be 1–64 characters.', { code: 'configuration' });
    }
    this.options = options;
    this.apiKey = apiKey;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeout ?? 30_000;
    this.retries = options.retries ?? 2;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.extraHeaders = {
      'User-Agent': options.userAgent ?? '@contro1/core',
      ...(options.subAgent ? { 'Contro1-Sub-Agent': options.subAgent } : {}),
    };
  }

  /** A client that identifies calls as made by a named sub-agent (`Contro1-Sub-Agent`). */
  asSubAgent(name: string): CentcomClient {
    return new CentcomClient({ ...this.options, apiKey: this.apiKey, baseUrl: this.baseUrl, subAgent: name });
  }

  // Low level ---------------------------------------------------------------------------------------------

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<T> {
    const upper = method.toUpperCase();
    const allHeaders: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${this.apiKey}`,
      ...this.extraHeaders,
      ...headers,
    };
    if (body !== undefined) allHeaders['Content-Type'] = 'application/json';
    const hasIdempotencyKey = Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key');
    const url = /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
    const options: Parameters<typeof send>[0] = {
      fetch: this.fetchImpl,
      url,
      method: upper,
      headers: allHeaders,
      timeoutMs: this.timeoutMs,
      retries: this.retries,
      retryable: IDEMPOTENT_METHODS.has(upper) || hasIdempotencyKey,
      sleep: this.sleep,
    };
    if (body !== undefined) options.body = JSON.stringify(body);
    if (signal) options.signal = signal;
    return (await send(options)) as T;
  }

  get<T = unknown>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', `${path}${toQueryString(query)}`, undefined, {}, signal);
  }

  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, body, headers);
  }

  delete<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('DELETE', path, body, headers);
  }

  // Requests ----------------------------------------------------------------------------------------------

  /** Creates a request (legacy body). `idempotency_key`, else `external_request_id`, goes into `Idempotency-Key`. */
  createRequest(params: CreateRequestParams): Promise<CentcomRequest> {
    const { idempotency_key, ...body } = params;
    const key = idempotency_key ?? params.external_request_id;
    return this.post<CentcomRequest>(
      '/requests',
      stripUndefined(body),
      key ? { 'Idempotency-Key': key } : {},
    );
  }

  /**
   * Validates and creates a protocol-shaped request. The body is posted as-is (the server normalises it), so
   * nothing the caller sent is lost. Only `external_request_id` is used as the idempotency key: a case id or
   * run id groups many requests and would collapse them (14.2).
   */
  async createProtocolRequest(request: Contro1Request): Promise<CentcomRequest> {
    const result = validateContro1Request(request);
    if (!result.valid) {
      throw new Contro1Error(`Invalid Contro1Request: ${result.errors.join('; ')}`, {
        code: 'invalid_request',
      });
    }
    const key = request.external_request_id;
    return this.post<CentcomRequest>('/requests', request, key ? { 'Idempotency-Key': key } : {});
  }

  getRequest(id: string, signal?: AbortSignal): Promise<CentcomRequest> {
    return this.get<CentcomRequest>(`/requests/${encodeURIComponent(id)}`, undefined, signal);
  }

  async getProtocolResponse(id: string): Promise<Contro1Response> {
    const request = await this.getRequest(id);
    return request.protocol_response ?? fromLegacyRequest(request);
  }

  listRequests(params: ListRequestsParams = {}): Promise<ListRequestsResponse> {
    return this.get<ListRequestsResponse>('/requests', { ...params });
  }

  cancelRequest(id: string): Promise<{ ok?: boolean; message?: string }> {
    return this.delete(`/requests/${encodeURIComponent(id)}`);
  }

  /** Previews routing; protocol bodies are converted to legacy first and `idempotency_key` is dropped. */
  previewControlMap(
    params: CreateRequestParams | Contro1Request | Record<string, unknown>,
  ): Promise<ControlMapResponse> {
    const legacy = isProtocolRequest(params)
      ? (toLegacyCreateRequestParams(params as Contro1Request) as Record<string, unknown>)
      : { ...(params as Record<string, unknown>) };
    delete legacy.idempotency_key;
    return this.post<ControlMapResponse>('/requests/control-map', stripUndefined(legacy));
  }

  redeliver(id: string): Promise<{ ok: boolean; event_id: string }> {
    return this.post(`/requests/${encodeURIComponent(id)}/redeliver`);
  }

  getRequestEvidence(id: string): Promise<EvidencePacket> {
    return this.get<EvidencePacket>(`/requests/${encodeURIComponent(id)}/evidence`);
  }

  // Waiting -----------------------------------------------------------------------------------------------

  /**
   * Polls until the request is final and returns its `Decision`. Fails closed: when `timeoutMs` passes first it
   * returns `outcome: "timed_out"` (the request itself stays open on the server). An aborted signal throws.
   */
  async waitForDecision(id: string, options: WaitOptions = {}): Promise<Decision> {
    const timeoutMs = options.timeoutMs ?? 600_000;
    const intervalMs = options.intervalMs ?? 3_000;
    const deadline = this.clock() + timeoutMs;
    for (;;) {
      if (options.signal?.aborted) {
        throw new Contro1Error(`Stopped waiting for request ${id}: aborted`, { code: 'aborted' });
      }
      const request = await this.getRequest(id, options.signal);
      const decision = isTerminalState(request.state) ? parseDecision(request) : undefined;
      if (decision) return decision;
      const left = deadline - this.clock();
      if (left <= 0) {
        return {
          requestId: id,
          outcome: 'timed_out',
          comment: `Stopped waiting after ${timeoutMs} ms; the request is still open on the server.`,
        };
      }
      try {
        await this.sleep(Math.min(intervalMs, left), options.signal);
      } catch (error) {
        throw new Contro1Error(`Stopped waiting for request ${id}: aborted`, {
          code: 'aborted',
          cause: error,
        });
      }
    }
  }

  /** Upstream-compatible: resolves with the final request, throws `Timeout waiting for response on request <id>`. */
  async waitForResponse(id: string, intervalMs = 3_000, timeoutMs = 600_000): Promise<CentcomRequest> {
    const deadline = this.clock() + timeoutMs;
    for (;;) {
      const request = await this.getRequest(id);
      if (isTerminalState(request.state)) return request;
      const left = deadline - this.clock();
      if (left <= 0)
        throw new Contro1Error(`Timeout waiting for response on request ${id}`, { code: 'timeout' });
      await this.sleep(Math.min(intervalMs, left));
    }
  }

  async waitForProtocolResponse(
    id: string,
    intervalMs = 3_000,
    timeoutMs = 600_000,
  ): Promise<Contro1Response> {
    const request = await this.waitForResponse(id, intervalMs, timeoutMs);
    return request.protocol_response ?? fromLegacyRequest(request);
  }

  // Audit records and timelines ---------------------------------------------------------------------------

  logAction(params: AuditRecordCreateParams): Promise<AuditRecord> {
    const key = params.external_request_id;
    return this.post<AuditRecord>(
      '/audit-records',
      stripUndefined(params),
      key ? { 'Idempotency-Key': key } : {},
    );
  }

  listAuditRecords(params: ListAuditRecordsParams = {}): Promise<ListAuditRecordsResponse> {
    return this.get<ListAuditRecordsResponse>('/audit-records', { ...params });
  }

  getAuditRecord(id: string): Promise<AuditRecord> {
    return this.get<AuditRecord>(`/audit-records/${encodeURIComponent(id)}`);
  }

  getThread(id: string, query: { cursor?: string; limit?: number } = {}): Promise<Timeline> {
    return this.get<Timeline>(`/threads/${encodeURIComponent(id)}`, query);
  }

  getTrace(id: string, query: { cursor?: string; limit?: number } = {}): Promise<TraceTimeline> {
    return this.get<TraceTimeline>(`/traces/${encodeURIComponent(id)}`, query);
  }

  getCase(id: string, query: { cursor?: string; limit?: number } = {}): Promise<Timeline> {
    return this.get<Timeline>(`/cases/${encodeURIComponent(id)}`, query);
  }

  // Agents ------------------------------------------------------------------------------------------------

  registerAgent(params: RegisterAgentParams): Promise<{ created: boolean; agent: Agent }> {
    return this.post('/agents/register', stripUndefined(params));
  }

  listAgents(params: { framework?: string; verification_status?: string; status?: string } = {}): Promise<{
    agents: Agent[];
  }> {
    return this.get('/agents', params);
  }

  getAgent(id: string): Promise<{ agent: Agent }> {
    return this.get(`/agents/${encodeURIComponent(id)}`);
  }

  getAgentTrail(id: string, params: { trace_id?: string; limit?: number } = {}): Promise<Timeline> {
    return this.get(`/agents/${encodeURIComponent(id)}/trail`, params);
  }

  /** JSON packet by default; `format: "csv"` returns the CSV text. */
  getAgentEvidence(
    id: string,
    params: { limit?: number; format?: 'json' | 'csv' } = {},
  ): Promise<EvidencePacket | string> {
    return this.get(`/agents/${encodeURIComponent(id)}/evidence`, params);
  }

  getRuntimeStatus(): Promise<RuntimeStatus> {
    return this.get<RuntimeStatus>('/runtime/status');
  }

  // Ids ---------------------------------------------------------------------------------------------------

  newThreadId(): string {
    return newThreadId();
  }

  newTraceId(): string {
    return newTraceId();
  }
}

/** Query string with array values comma-joined, as upstream; `undefined`/`null` are left out. */
export function toQueryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
