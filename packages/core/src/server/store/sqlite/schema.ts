/** Schema of the embedded store. Each statement is idempotent so start-up can run it every time. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS orgs (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reviewers (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  dedupe_key TEXT,
  state TEXT NOT NULL,
  callback_state TEXT NOT NULL,
  final INTEGER NOT NULL DEFAULT 0,
  agent_id TEXT,
  thread_id TEXT,
  correlation_id TEXT,
  trace_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_at INTEGER,
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS requests_dedupe ON requests (org_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_org_seq ON requests (org_id, seq);
CREATE INDEX IF NOT EXISTS requests_open_expiry ON requests (expires_at) WHERE final = 0;
CREATE INDEX IF NOT EXISTS requests_thread ON requests (org_id, thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_case ON requests (org_id, correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_trace ON requests (org_id, trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS requests_agent ON requests (org_id, agent_id) WHERE agent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  request_id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  lease_token TEXT,
  lease_until INTEGER,
  last_status_code INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS delivery_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_attempts_request ON delivery_attempts (org_id, request_id);
CREATE TABLE IF NOT EXISTS audit_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  dedupe_key TEXT,
  thread_id TEXT,
  correlation_id TEXT,
  trace_id TEXT,
  agent_id TEXT,
  recorded_at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_dedupe ON audit_records (org_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_org_seq ON audit_records (org_id, seq);
CREATE INDEX IF NOT EXISTS audit_thread ON audit_records (org_id, thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_case ON audit_records (org_id, correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_trace ON audit_records (org_id, trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_agent ON audit_records (org_id, agent_id) WHERE agent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS evidence_keys (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT NOT NULL UNIQUE,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (org_id, name)
);
CREATE TABLE IF NOT EXISTS console_credentials (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  org_id TEXT NOT NULL,
  reviewer_id TEXT NOT NULL,
  csrf TEXT,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
`;
