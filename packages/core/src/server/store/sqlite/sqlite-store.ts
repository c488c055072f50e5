import { close, fdatasync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type {
  AgentRecord,
  ApiKeyRecord,
  AuditRecordRow,
  ConsoleCredential,
  DeliveryAttemptRecord,
  DeliveryRecord,
  EvidenceKeyRecord,
  NewDelivery,
  OrgRecord,
  RequestRecord,
  ReviewerRecord,
} from '../../model.js';
import { afterAttempt, decodeCursor, encodeCursor, requestColumns } from '../columns.js';
import type {
  AttemptResult,
  AuditFilter,
  Mutation,
  Page,
  PageResult,
  RequestFilter,
  Store,
  TimelineEntry,
  TimelineKey,
} from '../store.js';
import { createGroupCommit } from './group-commit.js';
import { createRecordCache } from './record-cache.js';
import { SQLITE_SCHEMA } from './schema.js';

const WRITE_METHODS = [
  'createOrg',
  'updateOrg',
  'createApiKey',
  'revokeApiKey',
  'createReviewer',
  'revokeReviewer',
  'insertRequest',
  'mutateRequest',
  'claimDeliveries',
  'finishAttempt',
  'insertAuditRecord',
  'insertEvidenceKey',
  'registerAgent',
  'insertConsoleCredential',
  'redeemConsoleLink',
  'deleteConsoleCredential',
] as const satisfies readonly (keyof Store)[];

export interface SqliteStoreOptions {
  /** File path, or `:memory:` for throw-away stores in tests. */
  path: string;
  /** Set by the server process that delivers webhooks (not by admin tools opening the same file). */
  serving?: boolean;
}

type Row = Record<string, unknown>;

function loadDriver(): typeof BetterSqlite3 {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch {
    throw new Error('The embedded store needs the better-sqlite3 package: run `pnpm add better-sqlite3`.');
  }
}

/**
 * Embedded store on one SQLite file in WAL mode. Every acknowledged write is on disk: commits append to the WAL
 * (`synchronous=NORMAL`, so SQLite itself syncs around checkpoints) and the group commit settles only after an
 * `fdatasync` of the WAL file, which runs on libuv's thread pool instead of blocking the event loop.
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const Database = loadDriver();
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  const inMemory = options.path === ':memory:' || options.path === '';
  db.pragma(`synchronous = ${inMemory ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.exec(SQLITE_SCHEMA);
  if (options.serving) {
    // One server process owns an embedded database, so leases found when it starts belong to a process that died
    // mid-attempt: release them now instead of waiting them out (receivers dedupe the possible second delivery).
    db.prepare(
      "UPDATE deliveries SET lease_token = NULL, lease_until = NULL WHERE status = 'pending' AND lease_token IS NOT NULL",
    ).run();
  }

  // A plain descriptor and the callback API: FileHandle.datasync() cost twice as much main-thread time per flush.
  let wal: number | undefined;
  const syncWal = () =>
    new Promise<void>((resolve, reject) => {
      try {
        wal ??= openSync(`${options.path}-wal`, 'r');
      } catch (error) {
        return reject(error);
      }
      // A failed flush rejects the batch; the descriptor stays open, since closing it while other flushes are queued
      // could let its number be reused for another file and an unrelated flush report success.
      fdatasync(wal, (error) => (error ? reject(error) : resolve()));
    });
  const write = createGroupCommit(db, inMemory ? undefined : syncWal);
  const parse = <T>(row: Row | undefined): T | undefined =>
    row ? (JSON.parse(row.data as string) as T) : undefined;
  const all = <T>(rows: Row[]): T[] => rows.map((row) => JSON.parse(row.data as string) as T);
  // Statements are prepared once and reused: preparing on every call showed up in profiles of the create path.
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const stmt = (sql: string) => {
    let statement = prepared.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  };

  const insertRequestStmt =
    stmt(`INSERT INTO requests (id, org_id, dedupe_key, state, callback_state, final, agent_id,
    thread_id, correlation_id, trace_id, created_at, expires_at, decided_at, data) VALUES (@id, @org_id, @dedupe_key,
    @state, @callback_state, @final, @agent_id, @thread_id, @correlation_id, @trace_id, @created_at, @expires_at,
    @decided_at, @data) ON CONFLICT DO NOTHING`);
  const updateRequestStmt =
    stmt(`UPDATE requests SET state = @state, callback_state = @callback_state, final = @final,
    agent_id = @agent_id, decided_at = @decided_at, expires_at = @expires_at, data = @data WHERE id = @id AND org_id = @org_id`);
  const getRequestStmt = stmt('SELECT data FROM requests WHERE org_id = ? AND id = ?');
  const byDedupeStmt = stmt('SELECT data FROM requests WHERE org_id = ? AND dedupe_key = ?');
  const insertDeliveryStmt =
    stmt(`INSERT INTO deliveries (id, org_id, request_id, event_id, url, body, status, attempts,
    next_attempt_at, lease_token, lease_until, created_at) VALUES (@id, @org_id, @request_id, @event_id, @url, @body,
    'pending', 0, @created_at, @lease_token, @lease_until, @created_at) ON CONFLICT (request_id) DO NOTHING`);

  const mutate = db.transaction(
    <T>(orgId: string, id: string, fn: (current: RequestRecord) => Mutation<T>) => {
      const current = parse<RequestRecord>(getRequestStmt.get(orgId, id) as Row | undefined);
      if (!current) return undefined;
      const m = fn(current);
      if (m.next) updateRequestStmt.run(requestColumns(m.next));
      if (m.delivery)
        insertDeliveryStmt.run({
          lease_token: null,
          lease_until: null,
          ...(m.delivery satisfies NewDelivery),
        });
      if (m.requeueDelivery) {
        stmt(`UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_token = NULL, lease_until = NULL
        WHERE org_id = ? AND request_id = ?`).run(m.requeueDelivery.at, orgId, id);
      }
      return m.result;
    },
  );

  const finish = db.transaction((deliveryId: string, token: string, r: AttemptResult) => {
    const changed = stmt(`UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
      last_status_code = ?, lease_token = NULL, lease_until = NULL WHERE id = ? AND lease_token = ?`).run(
      r.status,
      r.nextAttemptAt,
      r.attempt.status_code,
      deliveryId,
      token,
    ).changes;
    if (changed === 0) return false;
    stmt('INSERT INTO delivery_attempts (delivery_id, request_id, org_id, data) VALUES (?, ?, ?, ?)').run(
      deliveryId,
      r.attempt.request_id,
      r.attempt.org_id,
      JSON.stringify(r.attempt),
    );
    const current = parse<RequestRecord>(
      getRequestStmt.get(r.attempt.org_id, r.attempt.request_id) as Row | undefined,
    );
    if (current)
      updateRequestStmt.run(requestColumns(afterAttempt(current, r.callbackState, r.requestState, r.at)));
    return true;
  });

  const cache = createRecordCache(db);

  /** Marks a credential revoked once; false when unknown, foreign or already revoked. */
  const revoke = async (table: 'api_keys' | 'reviewers', orgId: string, id: string, at: string) => {
    const changed =
      stmt(`UPDATE ${table} SET data = json_set(data, '$.revoked_at', ?) WHERE org_id = ? AND id = ?
      AND json_extract(data, '$.revoked_at') IS NULL`).run(at, orgId, id).changes === 1;
    cache.clear();
    return changed;
  };

  const requestWhere = (orgId: string, f: RequestFilter) => {
    const clauses = ['org_id = ?'];
    const params: unknown[] = [orgId];
    if (f.state?.length) {
      clauses.push(`state IN (${f.state.map(() => '?').join(',')})`);
      params.push(...f.state);
    }
    for (const key of ['callback_state', 'thread_id', 'agent_id', 'correlation_id', 'trace_id'] as const) {
      if (f[key] !== undefined) {
        clauses.push(`${key} = ?`);
        params.push(f[key]);
      }
    }
    if (f.decided_since !== undefined) {
      clauses.push('decided_at >= ?');
      params.push(f.decided_since);
    }
    if (f.open !== undefined) clauses.push(f.open ? 'final = 0' : 'final = 1');
    return { clauses, params };
  };

  const auditWhere = (orgId: string, f: AuditFilter) => {
    const clauses = ['org_id = ?'];
    const params: unknown[] = [orgId];
    const add = (sql: string, value: unknown) => {
      if (value === undefined) return;
      clauses.push(sql);
      params.push(value);
    };
    add("json_extract(data, '$.action') = ?", f.action);
    add('agent_id = ?', f.actor_agent_id);
    add("json_extract(data, '$.actor.user_id') = ?", f.actor_user_id);
    add("json_extract(data, '$.source.integration') = ?", f.source_integration);
    add("json_extract(data, '$.source.workflow_id') = ?", f.workflow_id);
    add("json_extract(data, '$.outcome') = ?", f.outcome);
    add("json_extract(data, '$.severity') = ?", f.severity);
    add('correlation_id = ?', f.correlation_id);
    add("json_extract(data, '$.external_request_id') = ?", f.external_request_id);
    add('thread_id = ?', f.thread_id);
    add('trace_id = ?', f.trace_id);
    add('recorded_at >= ?', f.from);
    add('recorded_at <= ?', f.to);
    for (const tag of f.tags ?? [])
      add("EXISTS (SELECT 1 FROM json_each(data, '$.tags') WHERE value = ?)", tag);
    if (f.q !== undefined) {
      clauses.push("(json_extract(data, '$.action') LIKE ? OR json_extract(data, '$.summary') LIKE ?)");
      params.push(`%${f.q}%`, `%${f.q}%`);
    }
    return { clauses, params };
  };

  function pageBySeq<T>(
    table: string,
    where: { clauses: string[]; params: unknown[] },
    page: Page,
  ): PageResult<T> {
    const cursor = decodeCursor(page.cursor);
    const clauses = [...where.clauses];
    const params = [...where.params];
    if (cursor) {
      clauses.push('seq < ?');
      params.push(Number(cursor[0]));
    }
    const rows = stmt(
      `SELECT seq, data FROM ${table} WHERE ${clauses.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
    ).all(...params, page.limit + 1) as Row[];
    const more = rows.length > page.limit;
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return { items: all<T>(items), nextCursor: more && last ? encodeCursor([last.seq as number]) : null };
  }

  const store: Store = {
    kind: 'sqlite',
    async close() {
      db.close();
      const fd = wal;
      wal = undefined;
      if (fd !== undefined) await new Promise((resolve) => close(fd, resolve));
    },

    async createOrg(org: OrgRecord) {
      stmt('INSERT INTO orgs (id, data) VALUES (?, ?)').run(org.id, JSON.stringify(org));
      cache.clear();
    },
    async getOrg(id) {
      return cache.get(`org:${id}`, () =>
        parse<OrgRecord>(stmt('SELECT data FROM orgs WHERE id = ?').get(id) as Row | undefined),
      );
    },
    async updateOrg(org) {
      stmt('UPDATE orgs SET data = ? WHERE id = ?').run(JSON.stringify(org), org.id);
      cache.clear();
    },
    async listOrgs() {
      return all<OrgRecord>(stmt('SELECT data FROM orgs ORDER BY id').all() as Row[]);
    },

    async createApiKey(key: ApiKeyRecord) {
      stmt('INSERT INTO api_keys (id, org_id, key_hash, data) VALUES (?, ?, ?, ?)').run(
        key.id,
        key.org_id,
        key.key_hash,
        JSON.stringify(key),
      );
      cache.clear();
    },
    async findApiKeyByHash(hash) {
      return cache.get(`key:${hash}`, () =>
        parse<ApiKeyRecord>(
          stmt('SELECT data FROM api_keys WHERE key_hash = ?').get(hash) as Row | undefined,
        ),
      );
    },
    async listApiKeys(orgId) {
      return all<ApiKeyRecord>(
        stmt('SELECT data FROM api_keys WHERE org_id = ? ORDER BY id').all(orgId) as Row[],
      );
    },
    revokeApiKey: (orgId, id, at) => revoke('api_keys', orgId, id, at),

    async createReviewer(reviewer: ReviewerRecord) {
      stmt('INSERT INTO reviewers (id, org_id, token_hash, data) VALUES (?, ?, ?, ?)').run(
        reviewer.id,
        reviewer.org_id,
        reviewer.token_hash,
        JSON.stringify(reviewer),
      );
      cache.clear();
    },
    async findReviewerByTokenHash(hash) {
      return cache.get(`reviewer-token:${hash}`, () =>
        parse<ReviewerRecord>(
          stmt('SELECT data FROM reviewers WHERE token_hash = ?').get(hash) as Row | undefined,
        ),
      );
    },
    async getReviewer(orgId, id) {
      return cache.get(`reviewer:${orgId}:${id}`, () =>
        parse<ReviewerRecord>(
          stmt('SELECT data FROM reviewers WHERE org_id = ? AND id = ?').get(orgId, id) as Row | undefined,
        ),
      );
    },
    async listReviewers(orgId) {
      // Every decision checks eligibility against the organisation's reviewers.
      return cache.get(`reviewers:${orgId}`, () =>
        all<ReviewerRecord>(
          stmt('SELECT data FROM reviewers WHERE org_id = ? ORDER BY id').all(orgId) as Row[],
        ),
      ) as ReviewerRecord[];
    },
    revokeReviewer: (orgId, id, at) => revoke('reviewers', orgId, id, at),

    async insertRequest(record) {
      const inserted = insertRequestStmt.run(requestColumns(record)).changes === 1;
      if (inserted) return { inserted: true };
      const existing = parse<RequestRecord>(
        byDedupeStmt.get(record.org_id, record.dedupe_key) as Row | undefined,
      );
      if (!existing) throw new Error(`request id collision for ${record.id}`);
      return { inserted: false, existing };
    },
    async getRequest(orgId, id) {
      return parse<RequestRecord>(getRequestStmt.get(orgId, id) as Row | undefined);
    },
    async listRequests(orgId, filter, page) {
      return pageBySeq<RequestRecord>('requests', requestWhere(orgId, filter), page);
    },
    async mutateRequest(orgId, id, fn) {
      return mutate.immediate(orgId, id, fn as (current: RequestRecord) => Mutation<unknown>) as never;
    },
    async dueExpirations(now, limit) {
      return stmt(
        'SELECT org_id, id FROM requests WHERE final = 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?',
      ).all(now, limit) as { org_id: string; id: string }[];
    },
    async nextExpiration() {
      const row = stmt('SELECT MIN(expires_at) AS at FROM requests WHERE final = 0').get() as {
        at: number | null;
      };
      return row.at;
    },

    async claimDeliveries(now, leaseMs, limit, token) {
      const rows =
        stmt(`UPDATE deliveries SET lease_token = ?, lease_until = ? WHERE id IN (SELECT id FROM deliveries
        WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
        ORDER BY next_attempt_at LIMIT ?) RETURNING *`).all(
          token,
          now + leaseMs,
          now,
          now,
          limit,
        ) as DeliveryRecord[];
      return rows;
    },
    async finishAttempt(deliveryId, token, result) {
      return finish.immediate(deliveryId, token, result);
    },
    async getDelivery(orgId, requestId) {
      return stmt('SELECT * FROM deliveries WHERE org_id = ? AND request_id = ?').get(orgId, requestId) as
        | DeliveryRecord
        | undefined;
    },
    async listAttempts(orgId, requestId) {
      return all<DeliveryAttemptRecord>(
        stmt('SELECT data FROM delivery_attempts WHERE org_id = ? AND request_id = ? ORDER BY seq').all(
          orgId,
          requestId,
        ) as Row[],
      );
    },
    async recentAttempts(orgId, limit) {
      return all<DeliveryAttemptRecord>(
        stmt('SELECT data FROM delivery_attempts WHERE org_id = ? ORDER BY seq DESC LIMIT ?').all(
          orgId,
          limit,
        ) as Row[],
      );
    },
    async nextDeliveryDue() {
      const row = stmt(
        "SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, 0))) AS at FROM deliveries WHERE status = 'pending'",
      ).get() as {
        at: number | null;
      };
      return row.at;
    },

    async insertAuditRecord(record, dedupeKey) {
      const inserted =
        stmt(`INSERT INTO audit_records (id, org_id, dedupe_key, thread_id, correlation_id, trace_id, agent_id, recorded_at,
        data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`).run(
          record.id,
          record.org_id,
          dedupeKey,
          (record.thread_id as string | undefined) ?? null,
          (record.correlation_id as string | undefined) ?? null,
          (record.trace_id as string | undefined) ?? null,
          ((record.actor as { agent_id?: string } | undefined)?.agent_id as string | undefined) ?? null,
          Date.parse(record.recorded_at),
          JSON.stringify(record),
        ).changes === 1;
      if (inserted) return { inserted: true };
      const existing = parse<AuditRecordRow>(
        stmt('SELECT data FROM audit_records WHERE org_id = ? AND dedupe_key = ?').get(
          record.org_id,
          dedupeKey,
        ) as Row | undefined,
      );
      if (!existing) throw new Error(`audit record id collision for ${record.id}`);
      return { inserted: false, existing };
    },
    async getAuditRecord(orgId, id) {
      return parse<AuditRecordRow>(
        stmt('SELECT data FROM audit_records WHERE org_id = ? AND id = ?').get(orgId, id) as Row | undefined,
      );
    },
    async listAuditRecords(orgId, filter, page) {
      return pageBySeq<AuditRecordRow>('audit_records', auditWhere(orgId, filter), page);
    },

    async timeline(orgId: string, by: TimelineKey, value: string, page: Page) {
      const cursor = decodeCursor(page.cursor);
      const after = cursor
        ? 'WHERE (at > ? OR (at = ? AND kind > ?) OR (at = ? AND kind = ? AND seq > ?))'
        : '';
      const cursorParams = cursor
        ? [Number(cursor[0]), Number(cursor[0]), cursor[1], Number(cursor[0]), cursor[1], Number(cursor[2])]
        : [];
      const rows = stmt(`SELECT * FROM (
          SELECT 'audit_record' AS kind, seq, recorded_at AS at, data FROM audit_records WHERE org_id = ? AND ${by} = ?
          UNION ALL
          SELECT 'request' AS kind, seq, created_at AS at, data FROM requests WHERE org_id = ? AND ${by} = ?
        ) ${after} ORDER BY at, kind, seq LIMIT ?`).all(
        orgId,
        value,
        orgId,
        value,
        ...cursorParams,
        page.limit + 1,
      ) as Row[];
      const more = rows.length > page.limit;
      const items = rows.slice(0, page.limit);
      const last = items.at(-1);
      return {
        items: items.map(
          (row) => ({ kind: row.kind, record: JSON.parse(row.data as string) }) as TimelineEntry,
        ),
        nextCursor:
          more && last ? encodeCursor([last.at as number, last.kind as string, last.seq as number]) : null,
      };
    },

    async childTraces(orgId, traceId) {
      const rows =
        stmt(`SELECT trace_id FROM requests WHERE org_id = ? AND json_extract(data, '$.parent_trace_id') = ?
        AND trace_id IS NOT NULL UNION SELECT trace_id FROM audit_records WHERE org_id = ?
        AND json_extract(data, '$.parent_trace_id') = ? AND trace_id IS NOT NULL ORDER BY trace_id`).all(
          orgId,
          traceId,
          orgId,
          traceId,
        ) as { trace_id: string }[];
      return rows.map((r) => r.trace_id);
    },

    async insertConsoleCredential(c) {
      stmt(`INSERT INTO console_credentials (hash, kind, org_id, reviewer_id, csrf, expires_at, used_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
        c.hash,
        c.kind,
        c.org_id,
        c.reviewer_id,
        c.csrf,
        c.expires_at,
        c.used_at,
      );
    },
    async getConsoleCredential(hash) {
      return stmt('SELECT * FROM console_credentials WHERE hash = ?').get(hash) as
        | ConsoleCredential
        | undefined;
    },
    async redeemConsoleLink(hash, now) {
      const changed = stmt(`UPDATE console_credentials SET used_at = ? WHERE hash = ? AND kind = 'link'
        AND used_at IS NULL AND expires_at > ?`).run(now, hash, now).changes;
      if (changed !== 1) return undefined;
      return stmt('SELECT * FROM console_credentials WHERE hash = ?').get(hash) as ConsoleCredential;
    },
    async deleteConsoleCredential(hash) {
      stmt('DELETE FROM console_credentials WHERE hash = ?').run(hash);
    },

    async listEvidenceKeys() {
      return all<EvidenceKeyRecord>(stmt('SELECT data FROM evidence_keys ORDER BY seq DESC').all() as Row[]);
    },
    async insertEvidenceKey(key) {
      stmt('INSERT INTO evidence_keys (key_id, data) VALUES (?, ?)').run(key.key_id, JSON.stringify(key));
    },

    async registerAgent(agent) {
      const inserted =
        stmt('INSERT INTO agents (id, org_id, name, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
          agent.agent_id,
          agent.org_id,
          agent.name,
          JSON.stringify(agent),
        ).changes === 1;
      if (inserted) return { created: true, agent };
      const existing = parse<AgentRecord>(
        stmt('SELECT data FROM agents WHERE org_id = ? AND name = ?').get(agent.org_id, agent.name) as
          | Row
          | undefined,
      );
      if (!existing) throw new Error(`agent id collision for ${agent.agent_id}`);
      return { created: false, agent: existing };
    },
    async getAgent(orgId, id) {
      return parse<AgentRecord>(
        stmt('SELECT data FROM agents WHERE org_id = ? AND id = ?').get(orgId, id) as Row | undefined,
      );
    },
    async listAgents(orgId, filter) {
      const clauses = ['org_id = ?'];
      const params: unknown[] = [orgId];
      for (const key of ['framework', 'verification_status', 'status'] as const) {
        if (filter[key] !== undefined) {
          clauses.push(`json_extract(data, '$.${key}') = ?`);
          params.push(filter[key]);
        }
      }
      return all<AgentRecord>(
        stmt(`SELECT data FROM agents WHERE ${clauses.join(' AND ')} ORDER BY name`).all(...params) as Row[],
      );
    },
    async countRequestsByAgent(orgId, agentId) {
      return (
        stmt('SELECT COUNT(*) AS n FROM requests WHERE org_id = ? AND agent_id = ?').get(orgId, agentId) as {
          n: number;
        }
      ).n;
    },
  };

  // Every write goes through group commit. The bodies run synchronously inside their savepoint; the async wrappers
  // only carry the result (or the error, after the write's own transaction rolled back) to the caller.
  for (const name of WRITE_METHODS) {
    const original = store[name] as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
      write(() => original.apply(store, args));
  }
  return store;
}
