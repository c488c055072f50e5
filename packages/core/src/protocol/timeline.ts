import type { JsonObject } from './common.js';

/** One entry of a thread, case or trace timeline (14.5), in time order. */
export interface TimelineItem extends JsonObject {
  kind: 'request' | 'audit_record';
  id: string;
  at: string;
}

export interface Timeline {
  id: string;
  items: TimelineItem[];
  next_cursor: string | null;
}

export interface TraceTimeline extends Timeline {
  parent_trace_id: string | null;
  children: string[];
}

export interface Agent extends JsonObject {
  agent_id: string;
  name: string;
  framework: string | null;
  status: string;
  verification_status: 'verified' | 'claimed';
  request_count: number;
}

export interface RegisterAgentParams {
  name: string;
  framework?: string;
  description?: string;
  owner?: string;
  parent_agent_id?: string;
}

export interface RuntimeStatus extends JsonObject {
  ok: boolean;
  org: { id: string; name: string };
  auth: { type: 'api_key'; credential_kind: string; agent_id: string | null; scopes: string[] };
}
