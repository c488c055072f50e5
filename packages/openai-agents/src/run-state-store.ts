import { createRequire } from 'node:module';
import type { Decision } from '@contro1/core';

export const RUN_STATE_SCHEMA_VERSION = 1;

export interface PendingCall {
  requestId: string;
  callId: string;
  toolName: string;
  agentName: string;
  /** sha256 of the exact argument string the approval is bound to. */
  argsHash: string;
}

/** A paused run as stored: the SDK's serialized `RunState` plus what each pending approval is. */
export interface StoredRun {
  runKey: string;
  schemaVersion: number;
  appVersion: string;
  state: string;
  pending: PendingCall[];
  decisions: Record<string, Decision>;
  status: 'waiting' | 'resuming' | 'done' | 'failed';
  error?: string;
  updatedAt: string;
}

/**
 * Where paused runs live between pause and resume. `recordDecision` must be atomic: two webhooks for one run
 * arriving together both land, and exactly one caller sees "all decided" and gets to resume.
 */
export interface RunStateStore {
  save(run: StoredRun): Promise<void>;
  load(runKey: string): Promise<StoredRun | undefined>;
  /** Adds a decision; returns the run when this call completed the set and moved it to `resuming`. */
  recordDecision(
    runKey: string,
    decision: Decision,
  ): Promise<{ run: StoredRun | undefined; readyToResume: boolean }>;
  setStatus(runKey: string, status: StoredRun['status'], error?: string): Promise<void>;
}

function applyDecision(run: StoredRun, decision: Decision): { run: StoredRun; readyToResume: boolean } {
  if (run.status !== 'waiting' || !run.pending.some((p) => p.requestId === decision.requestId))
    return { run, readyToResume: false };
  const decisions = { ...run.decisions, [decision.requestId]: decision };
  const complete = run.pending.every((p) => decisions[p.requestId]);
  const next: StoredRun = {
    ...run,
    decisions,
    status: complete ? 'resuming' : 'waiting',
    updatedAt: new Date().toISOString(),
  };
  return { run: next, readyToResume: complete };
}

export function createMemoryRunStateStore(): RunStateStore {
  const runs = new Map<string, StoredRun>();
  return {
    async save(run) {
      runs.set(run.runKey, structuredClone(run));
    },
    async load(runKey) {
      const run = runs.get(runKey);
      return run && structuredClone(run);
    },
    async recordDecision(runKey, decision) {
      const run = runs.get(runKey);
      if (!run) return { run: undefined, readyToResume: false };
      const result = applyDecision(run, decision);
      runs.set(runKey, result.run);
      return { run: structuredClone(result.run), readyToResume: result.readyToResume };
    },
    async setStatus(runKey, status, error) {
      const run = runs.get(runKey);
      if (run)
        runs.set(runKey, {
          ...run,
          status,
          ...(error ? { error } : {}),
          updatedAt: new Date().toISOString(),
        });
    },
  };
}

/** The default durable store: one SQLite file (WAL, fsync'd commits) through the optional peer better-sqlite3. */
export function createSqliteRunStateStore(path: string): RunStateStore & { close(): void } {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS contro1_agent_runs (run_key TEXT PRIMARY KEY, data TEXT NOT NULL)');
  const get = db.prepare('SELECT data FROM contro1_agent_runs WHERE run_key = ?');
  const put = db.prepare(
    'INSERT INTO contro1_agent_runs (run_key, data) VALUES (?, ?) ON CONFLICT (run_key) DO UPDATE SET data = excluded.data',
  );
  const read = (runKey: string) => {
    const row = get.get(runKey) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as StoredRun) : undefined;
  };
  const record = db.transaction((runKey: string, decision: Decision) => {
    const run = read(runKey);
    if (!run) return { run: undefined, readyToResume: false };
    const result = applyDecision(run, decision);
    put.run(runKey, JSON.stringify(result.run));
    return result;
  });
  return {
    async save(run) {
      put.run(run.runKey, JSON.stringify(run));
    },
    async load(runKey) {
      return read(runKey);
    },
    async recordDecision(runKey, decision) {
      return record.immediate(runKey, decision);
    },
    async setStatus(runKey, status, error) {
      db.transaction(() => {
        const run = read(runKey);
        if (run)
          put.run(
            runKey,
            JSON.stringify({
              ...run,
              status,
              ...(error ? { error } : {}),
              updatedAt: new Date().toISOString(),
            }),
          );
      }).immediate();
    },
    close: () => db.close(),
  };
}
