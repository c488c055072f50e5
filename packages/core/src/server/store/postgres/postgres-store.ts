import { createRequire } from 'node:module';
import type { Pool, PoolClient } from 'pg';
import type {
  AgentRecord,
  ApiKeyRecord,
  AuditRecordRow,
  ConsoleCredential,
  DeliveryAttemptRecord,
  DeliveryRecord,
  EvidenceKeyRecord,
  OrgRecord,
  RequestRecord,
  ReviewerRecord,
} from '../../model.js';
import { afterAttempt, decodeCursor, encodeCursor, requestColumns } from '../columns.js';
import type { AuditFilter, Page, PageResult, RequestFilter, Store, TimelineEntry } from '../store.js';
import { POSTGRES_SCHEMA } from './schema.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** A schema to use (created when missing); `public` by default. Tests use one each. */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
}

type Row = Record<string, unknown>;

function loadPg(): typeof import('pg') {
  try {
    const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
    // BIGINT columns hold millisecond timestamps and counters well inside 2^53.
    pg.types.setTypeParser(20, (value: string) => Number(value));
    return pg;
  } catch {
    throw new Error('The PostgreSQL store needs the pg package: run `pnpm add pg`.');
  }
}

const MIGRATION_LOCK = 7_310_001;

/** BIGINT columns arrive as strings from pg. */
const consoleCredential = (row: Record<string, unknown>): ConsoleCredential => ({
  hash: row.hash as string,
  kind: row.kind as ConsoleCredential['kind'],
  org_id: row.org_id as string,
  reviewer_id: row.reviewer_id as string,
  csrf: (row.csrf as string | null) ?? null,
  expires_at: Number(row.expires_at),
  used_at: row.used_at === null ? null : Number(row.used_at),
});

/**
 * The PostgreSQL store: same interface and guarantees as SQLite, for several server instances on one database.
 * Uniqueness and first-writer-wins are enforced by constraints and row locks (`FOR UPDATE`); delivery claims use
 * `FOR UPDATE SKIP LOCKED` leases so instances share work without doing it twice.
 */
export async function createPostgresStore(
  options: PostgresStoreOptions,
): Promise<Store & { migrate(): Promise<void> }> {
  const pg = loadPg();
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name "${schema}"`);
  const pool: Pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    options: `-c search_path=${schema}`,
  });
  const q = async (sql: string, params: unknown[] = []): Promise<Row[]> =>
    (await pool.query(sql, params)).rows as Row[];
  const one = async <T>(sql: string, params: unknown[]): Promise<T | undefined> =>
    (await q(sql, params))[0]?.data as T | undefined;
  const all = async <T>(sql: string, params: unknown[]): Promise<T[]> =>
    (await q(sql, params)).map((r) => r.data as T);

  async function tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async function migrate() {
    await tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.query(POSTGRES_SCHEMA);
    });
  }
  await migrate();

  const upsertRequest = (c: PoolClient | Pool, r: RequestRecord) => {
    const col = requestColumns(r);
    return c.query(
      `UPDATE requests SET state = $3, callback_state = $4, final = $5, agent_id = $6, decided_at = $7, expires_at = $8, data = $9
       WHERE org_id = $1 AND id = $2`,
      [
        col.org_id,
        col.id,
        col.state,
        col.callback_state,
        col.final,
        col.agent_id,
        col.decided_at,
        col.expires_at,
        col.data,
      ],
    );
  };

  /** Marks a credential revoked once; false when unknown, foreign or already revoked. */
  const revoke = async (table: 'api_keys' | 'reviewers', orgId: string, id: string, at: string) =>
    (
      await pool.query(
        `UPDATE ${table} SET data = jsonb_set(data, '{revoked_at}', to_jsonb($3::text)) WHERE org_id = $1 AND id = $2 AND data->>'revoked_at' IS NULL`,
        [orgId, id, at],
      )
    ).rowCount === 1;

  const pageBySeq = async <T>(
    table: string,
    clauses: string[],
    params: unknown[],
    page: Page,
  ): Promise<PageResult<T>> => {
    const cursor = decodeCursor(page.cursor);
    const where = [...clauses];
    const args = [...params];
    if (cursor) {
      args.push(Number(cursor[0]));
      where.push(`seq < $${args.length}`);
    }
    args.push(page.limit + 1);
    const rows = await q(
      `SELECT seq, data FROM ${table} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${args.length}`,
      args,
    );
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => r.data as T),
      nextCursor: rows.length > page.limit && last ? encodeCursor([last.seq as number]) : null,
    };
  };

  function filterClauses(
    orgId: string,
    entries: [string, unknown][],
  ): { clauses: string[]; params: unknown[] } {
    const clauses = ['org_id = $1'];
    const params: unknown[] = [orgId];
    for (const [sql, value] of entries) {
      if (value === undefined) continue;
      params.push(value);
      clauses.push(sql.replaceAll('?', `$${params.length}`));
    }
    return { clauses, params };
  }

  return {
    kind: 'postgres',
    migrate,
    async close() {
      await pool.end();
    },

    async createOrg(org: OrgRecord) {
      await q('INSERT INTO orgs (id, data) VALUES ($1, $2)', [org.id, JSON.stringify(org)]);
    },
    getOrg: (id) => one<OrgRecord>('SELECT data FROM orgs WHERE id = $1', [id]),
    async updateOrg(org) {
      await q('UPDATE orgs SET data = $2 WHERE id = $1', [org.id, JSON.stringify(org)]);
    },
    listOrgs: () => all<OrgRecord>('SELECT data FROM orgs ORDER BY id', []),

    async createApiKey(key: ApiKeyRecord) {
      await q('INSERT INTO api_keys (id, org_id, key_hash, data) VALUES ($1, $2, $3, $4)', [
        key.id,
        key.org_id,
        key.key_hash,
        JSON.stringify(key),
      ]);
    },
    findApiKeyByHash: (hash) => one<ApiKeyRecord>('SELECT data FROM api_keys WHERE key_hash = $1', [hash]),
    listApiKeys: (orgId) =>
      all<ApiKeyRecord>('SELECT data FROM api_keys WHERE org_id = $1 ORDER BY id', [orgId]),
    revokeApiKey: (orgId, id, at) => revoke('api_keys', orgId, id, at),

    async createReviewer(reviewer: ReviewerRecord) {
      await q('INSERT INTO reviewers (id, org_id, token_hash, data) VALUES ($1, $2, $3, $4)', [
        reviewer.id,
        reviewer.org_id,
        reviewer.token_hash,
        JSON.stringify(reviewer),
      ]);
    },
    findReviewerByTokenHash: (hash) =>
      one<ReviewerRecord>('SELECT data FROM reviewers WHERE token_hash = $1', [hash]),
    getReviewer: (orgId, id) =>
      one<ReviewerRecord>('SELECT data FROM reviewers WHERE org_id = $1 AND id = $2', [orgId, id]),
    listReviewers: (orgId) =>
      all<ReviewerRecord>('SELECT data FROM reviewers WHERE org_id = $1 ORDER BY id', [orgId]),
    revokeReviewer: (orgId, id, at) => revoke('reviewers', orgId, id, at),

    async insertRequest(record) {
      const c = requestColumns(record);
      const res = await pool.query(
        `INSERT INTO requests (id, org_id, dedupe_key, state, callback_state, final, agent_id, thread_id, correlation_id, trace_id,
         created_at, expires_at, decided_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
        [
          c.id,
          c.org_id,
          c.dedupe_key,
          c.state,
          c.callback_state,
          c.final,
          c.agent_id,
          c.thread_id,
          c.correlation_id,
          c.trace_id,
          c.created_at,
          c.expires_at,
          c.decided_at,
          c.data,
        ],
      );
      if (res.rowCount === 1) return { inserted: true };
      const existing = await one<RequestRecord>(
        'SELECT data FROM requests WHERE org_id = $1 AND dedupe_key = $2',
        [record.org_id, record.dedupe_key],
      );
      if (!existing) throw new Error(`request id collision for ${record.id}`);
      return { inserted: false, existing };
    },
    getRequest: (orgId, id) =>
      one<RequestRecord>('SELECT data FROM requests WHERE org_id = $1 AND id = $2', [orgId, id]),
    listRequests(orgId, f: RequestFilter, page) {
      const { clauses, params } = filterClauses(orgId, [
        ['state = ANY(?)', f.state?.length ? f.state : undefined],
        ['callback_state = ?', f.callback_state],
        ['thread_id = ?', f.thread_id],
        ['agent_id = ?', f.agent_id],
        ['correlation_id = ?', f.correlation_id],
        ['trace_id = ?', f.trace_id],
        ['decided_at >= ?', f.decided_since],
        ['final = ?', f.open === undefined ? undefined : f.open ? 0 : 1],
      ]);
      return pageBySeq<RequestRecord>('requests', clauses, params, page);
    },
    mutateRequest(orgId, id, fn) {
      return tx(async (c) => {
        const row = (
          await c.query('SELECT data FROM requests WHERE org_id = $1 AND id = $2 FOR UPDATE', [orgId, id])
        ).rows[0] as Row | undefined;
        if (!row) return undefined;
        const m = fn(row.data as RequestRecord);
        if (m.next) await upsertRequest(c, m.next);
        if (m.delivery) {
          const d = m.delivery;
          await c.query(
            `INSERT INTO deliveries (id, org_id, request_id, event_id, url, body, status, attempts, next_attempt_at,
             lease_token, lease_until, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $9, $7) ON CONFLICT (request_id) DO NOTHING`,
            [
              d.id,
              d.org_id,
              d.request_id,
              d.event_id,
              d.url,
              d.body,
              d.created_at,
              d.lease_token ?? null,
              d.lease_until ?? null,
            ],
          );
        }
        if (m.requeueDelivery) {
          await c.query(
            `UPDATE deliveries SET status = 'pending', next_attempt_at = $3, lease_token = NULL, lease_until = NULL WHERE org_id = $1 AND request_id = $2`,
            [orgId, id, m.requeueDelivery.at],
          );
        }
        return m.result;
      });
    },
    async dueExpirations(now, limit) {
      return (await q(
        'SELECT org_id, id FROM requests WHERE final = 0 AND expires_at <= $1 ORDER BY expires_at LIMIT $2',
        [now, limit],
      )) as {
        org_id: string;
        id: string;
      }[];
    },
    async nextExpiration() {
      return (
        ((await q('SELECT MIN(expires_at) AS at FROM requests WHERE final = 0'))[0]?.at as number | null) ??
        null
      );
    },

    async claimDeliveries(now, leaseMs, limit, token) {
      return (await q(
        `UPDATE deliveries SET lease_token = $1, lease_until = $2 WHERE id IN (
           SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
           ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *`,
        [token, now + leaseMs, now, limit],
      )) as unknown as DeliveryRecord[];
    },
    finishAttempt(deliveryId, token, r) {
      return tx(async (c) => {
        const changed = await c.query(
          `UPDATE deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, last_status_code = $3, lease_token = NULL,
           lease_until = NULL WHERE id = $4 AND lease_token = $5`,
          [r.status, r.nextAttemptAt, r.attempt.status_code, deliveryId, token],
        );
        if (changed.rowCount !== 1) return false;
        await c.query(
          'INSERT INTO delivery_attempts (delivery_id, request_id, org_id, data) VALUES ($1, $2, $3, $4)',
          [deliveryId, r.attempt.request_id, r.attempt.org_id, JSON.stringify(r.attempt)],
        );
        const row = (
          await c.query('SELECT data FROM requests WHERE org_id = $1 AND id = $2 FOR UPDATE', [
            r.attempt.org_id,
            r.attempt.request_id,
          ])
        ).rows[0] as Row | undefined;
        if (row)
          await upsertRequest(
            c,
            afterAttempt(row.data as RequestRecord, r.callbackState, r.requestState, r.at),
          );
        return true;
      });
    },
    async getDelivery(orgId, requestId) {
      return (
        await q('SELECT * FROM deliveries WHERE org_id = $1 AND request_id = $2', [orgId, requestId])
      )[0] as DeliveryRecord | undefined;
    },
    listAttempts: (orgId, requestId) =>
      all<DeliveryAttemptRecord>(
        'SELECT data FROM delivery_attempts WHERE org_id = $1 AND request_id = $2 ORDER BY seq',
        [orgId, requestId],
      ),
    recentAttempts: (orgId, limit) =>
      all<DeliveryAttemptRecord>(
        'SELECT data FROM delivery_attempts WHERE org_id = $1 ORDER BY seq DESC LIMIT $2',
        [orgId, limit],
      ),
    async nextDeliveryDue() {
      return (
        ((
          await q(
            "SELECT MIN(GREATEST(next_attempt_at, COALESCE(lease_until, 0))) AS at FROM deliveries WHERE status = 'pending'",
          )
        )[0]?.at as number | null) ?? null
      );
    },

    async insertAuditRecord(record, dedupeKey) {
      const res = await pool.query(
        `INSERT INTO audit_records (id, org_id, dedupe_key, thread_id, correlation_id, trace_id, agent_id, recorded_at, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [
          record.id,
          record.org_id,
          dedupeKey,
          (record.thread_id as string | undefined) ?? null,
          (record.correlation_id as string | undefined) ?? null,
          (record.trace_id as string | undefined) ?? null,
          (record.actor as { agent_id?: string } | undefined)?.agent_id ?? null,
          Date.parse(record.recorded_at),
          JSON.stringify(record),
        ],
      );
      if (res.rowCount === 1) return { inserted: true };
      const existing = await one<AuditRecordRow>(
        'SELECT data FROM audit_records WHERE org_id = $1 AND dedupe_key = $2',
        [record.org_id, dedupeKey],
      );
      if (!existing) throw new Error(`audit record id collision for ${record.id}`);
      return { inserted: false, existing };
    },
    getAuditRecord: (orgId, id) =>
      one<AuditRecordRow>('SELECT data FROM audit_records WHERE org_id = $1 AND id = $2', [orgId, id]),
    listAuditRecords(orgId, f: AuditFilter, page) {
      const { clauses, params } = filterClauses(orgId, [
        ["data->>'action' = ?", f.action],
        ['agent_id = ?', f.actor_agent_id],
        ["data->'actor'->>'user_id' = ?", f.actor_user_id],
        ["data->'source'->>'integration' = ?", f.source_integration],
        ["data->'source'->>'workflow_id' = ?", f.workflow_id],
        ["data->>'outcome' = ?", f.outcome],
        ["data->>'severity' = ?", f.severity],
        ['correlation_id = ?', f.correlation_id],
        ["data->>'external_request_id' = ?", f.external_request_id],
        ['thread_id = ?', f.thread_id],
        ['trace_id = ?', f.trace_id],
        ['recorded_at >= ?', f.from],
        ['recorded_at <= ?', f.to],
        ["(data->'tags') @> ?::jsonb", f.tags?.length ? JSON.stringify(f.tags) : undefined],
        ["(data->>'action' ILIKE ? OR data->>'summary' ILIKE ?)", f.q === undefined ? undefined : `%${f.q}%`],
      ]);
      return pageBySeq<AuditRecordRow>('audit_records', clauses, params, page);
    },

    async timeline(orgId, by, value, page) {
      const cursor = decodeCursor(page.cursor);
      const params: unknown[] = [orgId, value];
      let after = '';
      if (cursor) {
        params.push(Number(cursor[0]), cursor[1], Number(cursor[2]));
        after = 'WHERE (at, kind, seq) > ($3, $4, $5)';
      }
      params.push(page.limit + 1);
      const rows = await q(
        `SELECT * FROM (
           SELECT 'audit_record' AS kind, seq, recorded_at AS at, data FROM audit_records WHERE org_id = $1 AND ${by} = $2
           UNION ALL
           SELECT 'request' AS kind, seq, created_at AS at, data FROM requests WHERE org_id = $1 AND ${by} = $2
         ) t ${after} ORDER BY at, kind, seq LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, page.limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => ({ kind: row.kind, record: row.data }) as TimelineEntry),
        nextCursor:
          rows.length > page.limit && last
            ? encodeCursor([last.at as number, last.kind as string, last.seq as number])
            : null,
      };
    },
    async childTraces(orgId, traceId) {
      const rows = await q(
        `SELECT trace_id FROM requests WHERE org_id = $1 AND data->>'parent_trace_id' = $2 AND trace_id IS NOT NULL
         UNION SELECT trace_id FROM audit_records WHERE org_id = $1 AND data->>'parent_trace_id' = $2 AND trace_id IS NOT NULL ORDER BY trace_id`,
        [orgId, traceId],
      );
      return rows.map((r) => r.trace_id as string);
    },

    async insertConsoleCredential(c) {
      await q(
        `INSERT INTO console_credentials (hash, kind, org_id, reviewer_id, csrf, expires_at, used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [c.hash, c.kind, c.org_id, c.reviewer_id, c.csrf, c.expires_at, c.used_at],
      );
    },
    async getConsoleCredential(hash) {
      const [row] = await q('SELECT * FROM console_credentials WHERE hash = $1', [hash]);
      return row ? consoleCredential(row) : undefined;
    },
    async redeemConsoleLink(hash, now) {
      const [row] = await q(
        `UPDATE console_credentials SET used_at = $2 WHERE hash = $1 AND kind = 'link' AND used_at IS NULL
         AND expires_at > $2 RETURNING *`,
        [hash, now],
      );
      return row ? consoleCredential(row) : undefined;
    },
    async deleteConsoleCredential(hash) {
      await q('DELETE FROM console_credentials WHERE hash = $1', [hash]);
    },

    listEvidenceKeys: () => all<EvidenceKeyRecord>('SELECT data FROM evidence_keys ORDER BY seq DESC', []),
    async insertEvidenceKey(key) {
      await q('INSERT INTO evidence_keys (key_id, data) VALUES ($1, $2)', [key.key_id, JSON.stringify(key)]);
    },

    async registerAgent(agent) {
      const res = await pool.query(
        'INSERT INTO agents (id, org_id, name, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [agent.agent_id, agent.org_id, agent.name, JSON.stringify(agent)],
      );
      if (res.rowCount === 1) return { created: true, agent };
      const existing = await one<AgentRecord>('SELECT data FROM agents WHERE org_id = $1 AND name = $2', [
        agent.org_id,
        agent.name,
      ]);
      if (!existing) throw new Error(`agent id collision for ${agent.agent_id}`);
      return { created: false, agent: existing };
    },
    getAgent: (orgId, id) =>
      one<AgentRecord>('SELECT data FROM agents WHERE org_id = $1 AND id = $2', [orgId, id]),
    listAgents(orgId, filter) {
      const { clauses, params } = filterClauses(orgId, [
        ["data->>'framework' = ?", filter.framework],
        ["data->>'verification_status' = ?", filter.verification_status],
        ["data->>'status' = ?", filter.status],
      ]);
      return all<AgentRecord>(`SELECT data FROM agents WHERE ${clauses.join(' AND ')} ORDER BY name`, params);
    },
    async countRequestsByAgent(orgId, agentId) {
      return Number(
        (
          await q('SELECT COUNT(*) AS n FROM requests WHERE org_id = $1 AND agent_id = $2', [orgId, agentId])
        )[0]?.n ?? 0,
      );
    },
  };
}
