import type { Usage } from '../engine/output.ts';

/** Spend as people read it: "$0.0123", "$0.41 + price unknown for 2 calls", or "price unknown". */
export function costText(usage: Usage): string {
  const unpriced = usage.unpricedCalls ?? 0;
  if (usage.costUsd === undefined) return unpriced > 0 ? 'price unknown' : dollars(0);
  return unpriced > 0 ? `${dollars(usage.costUsd)} + price unknown for ${unpriced} call${unpriced === 1 ? '' : 's'}` : dollars(usage.costUsd);
}

export function dollars(usd: number): string {
  return `$${usd > 0 && usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/**
 * An amount people weigh against a limit, to a hundredth of a cent: "$0.012", not "$0.01" (which
 * would read as the limit itself). Trailing zeros go, down to cents.
 */
export function exactDollars(usd: number): string {
  const text = usd.toFixed(4).replace(/0{1,2}$/, '');
  return `$${text}`;
}

/** `usage.costUsd` of the JSON results: the known spend, or null when no call had a known price. */
export function costUsdJson(usage: Usage): number | null {
  if (usage.costUsd !== undefined) return Number(usage.costUsd.toFixed(6));
  return (usage.unpricedCalls ?? 0) > 0 ? null : 0;
}
