import { timingSafeEqual } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { type CentcomClient, createRateLimiter, isTerminalState, parseDecision } from '@contro1/core';
import { Hono } from 'hono';
import { type CommandContext, describeCommand } from '../command-context.js';
import { type ExecutionResult, execute } from '../execute.js';
import { approvedCommandMatches, createCommandRequest, recordCommandExecution } from '../gate.js';

export type PlanStatus = 'pending' | 'running' | 'executed' | 'failed' | 'timed_out' | 'rejected' | 'expired';

export interface Plan {
  pending_id: string;
  command: string;
  note: string | null;
  cwd: string;
  timeout_s: number;
  status: PlanStatus;
  created_at: string;
  decided_by: string | null;
  comment: string | null;
  exit_code: number | null;
  duration_ms: number | null;
}

export interface HubOptions {
  client: CentcomClient;
  /** Agents send it as `X-Agent-Token`. */
  token: string;
  defaultCwd: string;
  /** Plans per token per window (default 10 per 10 s). */
  rateLimit?: { max: number; windowMs: number };
  pollMs?: number;
  maxTimeoutS?: number;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * A Provara-style local hub: agents queue shell commands (`POST /plan`), each becomes a Contro1 request, and the
 * hub runs a command only after its approval, in the given directory, killing it at its timeout and recording the
 * outcome in the request's case.
 */
export function createHub(options: HubOptions) {
  const plans = new Map<string, { plan: Plan; ctx: CommandContext }>();
  const limited = createRateLimiter(options.rateLimit?.max ?? 10, options.rateLimit?.windowMs ?? 10_000);
  const app = new Hono();

  app.use('*', async (c, next) => {
    const token = c.req.header('x-agent-token') ?? '';
    if (!sameSecret(token, options.token))
      return c.json({ error: 'unauthorized', message: 'Missing or wrong X-Agent-Token' }, 401);
    await next();
  });

  app.post('/plan', async (c) => {
    const wait = limited(c.req.header('x-agent-token') ?? '');
    if (wait !== undefined) {
      c.header('Retry-After', String(wait));
      return c.json({ error: 'rate_limited', message: `Too many plans; retry in ${wait} s` }, 429);
    }
    const body = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const command = body?.command;
    if (typeof command !== 'string' || !command.trim() || command.length > 4000) {
      return c.json(
        { error: 'invalid_request', message: 'command must be a non-empty string (at most 4000 characters)' },
        400,
      );
    }
    const cwd = typeof body?.cwd === 'string' ? body.cwd : options.defaultCwd;
    if (!isAbsolute(cwd) || !existsSync(cwd) || !statSync(cwd).isDirectory()) {
      return c.json({ error: 'invalid_request', message: 'cwd must be an existing absolute directory' }, 400);
    }
    const timeout = body?.timeout_s === undefined ? 300 : Number(body.timeout_s);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > (options.maxTimeoutS ?? 3600)) {
      return c.json(
        {
          error: 'invalid_request',
          message: `timeout_s must be a whole number of seconds from 1 to ${options.maxTimeoutS ?? 3600}`,
        },
        400,
      );
    }
    const note = typeof body?.note === 'string' ? body.note.slice(0, 2000) : null;
    const ctx = await describeCommand(['/bin/sh', '-c', command], cwd);
    const request = await createCommandRequest(options.client, ctx, {
      source: 'hub',
      ...(note ? { note } : {}),
    });
    const plan: Plan = {
      pending_id: request.id,
      command,
      note,
      cwd,
      timeout_s: timeout,
      status: 'pending',
      created_at: new Date().toISOString(),
      decided_by: null,
      comment: null,
      exit_code: null,
      duration_ms: null,
    };
    plans.set(request.id, { plan, ctx });
    return c.json({ pending_id: request.id, queued: true, command }, 201);
  });

  app.get('/pending', (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? '50') || 50, 200);
    const pending = [...plans.values()]
      .map((p) => p.plan)
      .filter((p) => p.status === 'pending')
      .slice(0, limit);
    return c.json({ pending });
  });

  app.get('/status', (c) => {
    const all = [...plans.values()].map((p) => p.plan);
    const counts = Object.fromEntries(
      ['pending', 'running', 'executed', 'failed', 'timed_out', 'rejected', 'expired'].map((s) => [
        s,
        all.filter((p) => p.status === s).length,
      ]),
    );
    return c.json({ ok: true, counts, plans: all.slice(-50) });
  });

  async function settle(entry: { plan: Plan; ctx: CommandContext }): Promise<void> {
    const { plan, ctx } = entry;
    const request = await options.client.getRequest(plan.pending_id);
    if (!isTerminalState(request.state)) return;
    const decision = parseDecision(request);
    plan.decided_by = decision?.decidedBy ?? null;
    plan.comment = decision?.comment ?? null;
    if (decision?.outcome !== 'approved' || !approvedCommandMatches(request, ctx)) {
      plan.status = decision?.outcome === 'timed_out' ? 'expired' : 'rejected';
      await recordCommandExecution(options.client, plan.pending_id, ctx, 'hub', undefined, decision);
      return;
    }
    plan.status = 'running';
    // Runs beside the polling loop so one long command does not hold up the other plans.
    const job = execute(ctx.command, { cwd: plan.cwd, timeoutMs: plan.timeout_s * 1000 }).then(
      async (result: ExecutionResult) => {
        plan.exit_code = result.exitCode;
        plan.duration_ms = result.durationMs;
        plan.status = result.timedOut ? 'timed_out' : result.exitCode === 0 ? 'executed' : 'failed';
        await recordCommandExecution(options.client, plan.pending_id, ctx, 'hub', result, decision);
      },
    );
    running.add(job);
    void job.finally(() => running.delete(job));
  }

  const running = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await Promise.all(
        [...plans.values()].filter((p) => p.plan.status === 'pending').map((p) => settle(p).catch(() => {})),
      );
    } finally {
      busy = false;
    }
  };

  return {
    fetch: app.fetch,
    plans: () => [...plans.values()].map((p) => p.plan),
    /** One pass over pending plans (the background loop calls this every `pollMs`). */
    tick,
    /** Resolves when the commands started so far have finished and been recorded. */
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    start() {
      timer = setInterval(() => void tick(), options.pollMs ?? 2_000);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
