import type { CentcomClient } from '@contro1/core';
import { isTerminalState, parseDecision } from '@contro1/core';
import { EXIT } from '../exit-codes.js';

type Print = (line: string) => void;

export async function listRequests(
  client: CentcomClient,
  options: { state?: string; limit: number },
  print: Print,
) {
  const page = await client.listRequests({
    limit: options.limit,
    ...(options.state ? { state: options.state } : {}),
  });
  for (const r of page.requests) print(`${r.id}\t${r.state}\t${r.status ?? ''}\t${r.question}`);
  return EXIT.ok;
}

export async function getRequest(client: CentcomClient, id: string, print: Print) {
  print(JSON.stringify(await client.getRequest(id), null, 2));
  return EXIT.ok;
}

export async function cancelRequest(client: CentcomClient, id: string, print: Print) {
  const result = await client.cancelRequest(id);
  print(result.message ?? 'cancelled');
  return EXIT.ok;
}

/** Waits like `run` does, without running anything: 0 approved, 5 denied or cancelled, 6 timed out. */
export async function waitRequest(
  client: CentcomClient,
  id: string,
  options: { timeout: number; intervalMs?: number },
  print: Print,
) {
  const decision = await client.waitForDecision(id, {
    timeoutMs: options.timeout * 1000,
    intervalMs: options.intervalMs ?? 2_000,
  });
  const request = await client.getRequest(id);
  const final = isTerminalState(request.state) ? parseDecision(request) : undefined;
  print(
    `${id}\t${final ? decision.outcome : 'pending'}${decision.comment && final ? `\t${decision.comment}` : ''}`,
  );
  if (!final || decision.outcome === 'timed_out') return EXIT.timeout;
  return decision.outcome === 'approved' ? EXIT.ok : EXIT.denied;
}
