import path from 'node:path';
import { PriceTable } from '../../src/llm/prices.ts';

/** A crew of three one-call tasks with `limits.max_cost_usd: 0.01`. */
export const BUDGET_CREWS = path.resolve('test/fixtures/budget-crews');

/** $2 and $8 per million tokens for the scripted server's model. */
export const BUDGET_PRICES = new PriceTable({ 'test-model': { input: 2, output: 8 } });

/** 1,000 tokens in and 500 out: $0.006 a call, so the $0.01 budget is reached after two calls. */
export const PRICED_CALL = { prompt_tokens: 1_000, completion_tokens: 500 };
