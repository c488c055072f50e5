import type { AddressInfo } from 'node:net';
import { createAdmin, createPostgresStore, createServer, createSqliteStore } from '@contro1/core/server';
import { serve } from '@hono/node-server';

/**
 * The reference server (routes, validation, auth, group commit, workers) in its own process, on a SQLite file or,
 * given a postgres:// URL, on PostgreSQL. A second argument reuses an existing organisation instead of creating one.
 */
const target = process.argv[2] ?? ':memory:';
const store = target.startsWith('postgres://')
  ? await createPostgresStore({ connectionString: target, max: 20 })
  : createSqliteStore({ path: target, serving: true });
// The load generator uses one key far beyond any per-key limit: the limiter stays, its ceiling out of reach.
const server = createServer({
  store,
  publicUrl: 'http://127.0.0.1',
  allowLoopbackCallbacks: true,
  pollMs: 200,
  rateLimit: { max: Number.MAX_SAFE_INTEGER, windowMs: 60_000 },
});
const org = process.argv[3]
  ? JSON.parse(process.argv[3])
  : await createAdmin(store, { baseUrl: '' }).createOrganisation({ name: 'Bench' });
server.start();
const http = serve({ fetch: server.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
  process.stdout.write(`ready ${info.port} ${JSON.stringify(org)}\n`),
);
process.on('SIGTERM', () => http.close(() => process.exit(0)));
