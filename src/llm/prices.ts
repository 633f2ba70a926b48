import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** USD per million tokens. */
export const ModelPriceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

const PriceFileSchema = z.record(z.string().min(1), ModelPriceSchema);

/** List prices of common models (USD per million tokens); CREWBOT_PRICES extends or overrides them. */
export const BUILTIN_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-opus-4': { input: 15, output: 75 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'deepseek-chat': { input: 0.27, output: 1.1 },
  'deepseek-reasoner': { input: 0.55, output: 2.19 },
};

export class PriceFileError extends Error {
  override name = 'PriceFileError';
}

/** Prices by model name. A model the table does not know has no price: cost is never guessed. */
export class PriceTable {
  constructor(private readonly prices: Readonly<Record<string, ModelPrice>> = BUILTIN_PRICES) {}

  /** Exact name (a provider prefix such as `openai/` aside), or a dated snapshot of a known model. */
  priceOf(model: string): ModelPrice | undefined {
    const name = model.replace(/^[a-z0-9-]+\//i, '');
    const exact = this.prices[model] ?? this.prices[name];
    if (exact) return exact;
    const snapshot = /^(.*?)-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/.exec(name);
    return snapshot ? this.prices[snapshot[1]!] : undefined;
  }

  /** USD for one call, or undefined when the model has no known price. */
  costOf(model: string, promptTokens: number, completionTokens: number): number | undefined {
    const price = this.priceOf(model);
    if (!price) return undefined;
    return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
  }
}

/** The built-in table, extended or overridden by the YAML or JSON file CREWBOT_PRICES names. */
export async function loadPriceTable(file: string | undefined, cwd: string = process.cwd()): Promise<PriceTable> {
  if (!file) return new PriceTable();
  const where = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(where, 'utf8');
  } catch {
    throw new PriceFileError(`CREWBOT_PRICES names ${where}, which cannot be read; point it at a YAML or JSON file of model: {input, output} (USD per million tokens).`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new PriceFileError(`${where} is not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = PriceFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PriceFileError(`${where}: ${z.prettifyError(parsed.error)}. Write each model as model: {input: 2.5, output: 10} (USD per million tokens).`);
  }
  return new PriceTable({ ...BUILTIN_PRICES, ...parsed.data });
}
