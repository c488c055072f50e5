import type { AddressInfo } from 'node:net';
import { createAdmin, createServer, createSqliteStore } from '@contro1/core/server';
import { serve } from '@hono/node-server';

/** The reference server (routes, validation, auth, group commit, workers) on one SQLite file, in its own process. */
const store = createSqliteStore({ path: process.argv[2] ?? ':memory:', serving: true });
const server = createServer({
  store,
  publicUrl: 'http://127.0.0.1',
  allowLoopbackCallbacks: true,
  pollMs: 200,
});
const org = await createAdmin(store, { baseUrl: '' }).createOrganisation({ name: 'Bench' });
server.start();
const http = serve({ fetch: server.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
  process.stdout.write(`ready ${info.port} ${JSON.stringify(org)}\n`),
);
process.on('SIGTERM', () => http.close(() => process.exit(0)));
