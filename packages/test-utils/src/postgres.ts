import { probeTcp, serviceGate } from './service-gate.js';

/** The database `.ci/run` creates; `CONTRO1_TEST_DATABASE_URL` points elsewhere. */
export const TEST_DATABASE_URL =
  process.env.CONTRO1_TEST_DATABASE_URL ?? 'postgres://contro1:contro1@127.0.0.1:5432/contro1_test';

/** Whether PostgreSQL tests run: skip with the reason locally when nothing answers, fail with CI=true. */
export async function postgresGate(url = TEST_DATABASE_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const probe = await probeTcp(
    hostname,
    Number(port || 5432),
    'start it (pg_ctlcluster 15 main start) or set CONTRO1_TEST_DATABASE_URL',
  );
  return serviceGate('PostgreSQL', probe);
}
