import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { API_PREFIX, type CentcomServer, createAdmin, createServer } from '@contro1/core/server';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { createConsoleHandler } from './console/serve-console.js';
import { devCredentialsPath, readDevCredentials, writeDevCredentials } from './dev-credentials.js';
import { describeDatabase, devCredentialsBase, openStore } from './open-store.js';
import { VERSION } from './version.js';

export interface RunningServer {
  url: string;
  server: CentcomServer;
  close(): Promise<void>;
}

function listen(fetch: (request: Request) => Promise<Response>, host: string, port: number) {
  return new Promise<{ http: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const http = serve({ fetch, hostname: host, port }, (info: AddressInfo) =>
      resolve({ http, port: info.port }),
    );
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `Port ${port} on ${host} is already in use; stop the other process or choose another port with --port or PORT.`
            : `Cannot listen on ${host}:${port} (${error.code ?? error.message}); choose another address with --host / --port.`,
        ),
      ),
    );
  });
}

/** Opens the store, serves the API, starts the workers and, in dev mode, prints ready-to-use credentials. */
export async function startServer(
  config: ServerConfig,
  logger: Logger,
  print: (line: string) => void,
): Promise<RunningServer> {
  const store = await openStore(config.database, true);
  let server: CentcomServer | undefined;
  const consolePage = createConsoleHandler();
  const { http, port } = await listen(
    (request) =>
      server
        ? Promise.resolve(consolePage(request) ?? server.fetch(request))
        : Promise.resolve(new Response('starting', { status: 503 })),
    config.host,
    config.port,
  );
  const displayHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}`;
  const publicUrl = config.publicUrl ?? url;
  server = createServer({
    store,
    publicUrl,
    logger,
    allowLoopbackCallbacks: config.allowLoopbackCallbacks,
    leaseMs: config.leaseMs,
    rateLimit: { max: config.rateLimitPerMinute, windowMs: 60_000 },
    version: VERSION,
  });
  server.start();
  const baseUrl = `${publicUrl}${API_PREFIX}`;
  logger.info(
    {
      url,
      database: describeDatabase(config.database),
      allow_loopback_callbacks: config.allowLoopbackCallbacks,
    },
    'contro1-server started',
  );

  print(`contro1-server ${VERSION} listening on ${url} (database ${describeDatabase(config.database)})`);
  print(`CENTCOM_BASE_URL=${baseUrl}`);
  print(`Reviewer console: ${publicUrl}/console/`);
  if (config.dev) {
    const path = devCredentialsPath(devCredentialsBase(config.database));
    mkdirSync(dirname(path), { recursive: true });
    let credentials = readDevCredentials(path);
    if (!credentials || !(await store.getOrg(credentials.org_id))) {
      credentials = await createAdmin(store, { baseUrl }).createOrganisation({
        name: 'Development',
        apiKeyMode: 'test',
      });
      writeDevCredentials(path, credentials);
    }
    print(`CENTCOM_API_KEY=${credentials.api_key}`);
    print(`CENTCOM_WEBHOOK_SECRET=${credentials.webhook_secret}`);
    print(`CONTRO1_REVIEWER_TOKEN=${credentials.reviewer_token}`);
    print(`(development organisation ${credentials.org_id}; credentials kept in ${path})`);
  }

  return {
    url,
    server,
    async close() {
      await server?.stop();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await store.close();
    },
  };
}
