import type { CentcomClient, CentcomRequest } from '@contro1/core';
import { isTerminalState } from '@contro1/core';

export type WaitProgress = (elapsedMs: number, totalMs: number, status: string) => Promise<void>;

/**
 * Polls one request until it is final or `budgetMs` passes, reporting progress on every poll. Bounded so the
 * answer always arrives before the MCP client's own timeout; the caller calls again to keep waiting.
 */
export async function waitBounded(
  client: CentcomClient,
  requestId: string,
  budgetMs: number,
  intervalMs: number,
  progress: WaitProgress,
  signal?: AbortSignal,
): Promise<CentcomRequest> {
  const started = Date.now();
  for (;;) {
    const request = await client.getRequest(requestId, signal);
    const elapsed = Date.now() - started;
    await progress(Math.min(elapsed, budgetMs), budgetMs, String(request.status ?? request.state));
    if (isTerminalState(request.state) || elapsed + intervalMs > budgetMs || signal?.aborted) return request;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
