import type { ApprovalFields, RiskLevel } from '@contro1/core';
import type { FunctionTool } from '@openai/agents';

/** Request fields for one guarded call; everything but the title is optional. */
export interface GuardRequest extends ApprovalFields {
  title: string;
  description?: string;
}

export interface GuardPolicy<TArgs = Record<string, unknown>> {
  /** Which calls need a human; all of them when absent. */
  when?: (args: TArgs) => boolean | Promise<boolean>;
  /** The request a reviewer sees for this call. */
  request?: (args: TArgs) => Partial<GuardRequest>;
}

const POLICY = Symbol.for('contro1.guardPolicy');

type Guarded = { [POLICY]?: GuardPolicy };

/**
 * Marks a function tool as needing a Contro1 approval (all calls, or those `policy.when` selects) and carries the
 * request fields `submitInterruptions` uses. The returned tool is a copy; the original stays unguarded.
 */
// biome-ignore lint/suspicious/noExplicitAny: matches the SDK's own FunctionTool generics
export function guardTool<T extends FunctionTool<any, any, any>>(tool: T, policy: GuardPolicy = {}): T {
  const guarded = Object.assign(Object.create(Object.getPrototypeOf(tool)), tool) as T & Guarded;
  guarded.needsApproval = async (_ctx, input) => {
    if (!policy.when) return true;
    const args =
      typeof input === 'string'
        ? (JSON.parse(input || '{}') as Record<string, unknown>)
        : (input as Record<string, unknown>);
    return Boolean(await policy.when(args));
  };
  guarded[POLICY] = policy;
  return guarded;
}

/** The guard policy of a tool, when it has one. */
export function guardPolicyOf(tool: unknown): GuardPolicy | undefined {
  return (tool as Guarded | undefined)?.[POLICY];
}

/** Risk-level helper for `when`: true at or above `min`. */
export function riskAtLeast(level: RiskLevel | undefined, min: RiskLevel): boolean {
  const order = ['low', 'medium', 'high', 'critical'];
  return order.indexOf(level ?? 'low') >= order.indexOf(min);
}
