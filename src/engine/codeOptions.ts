import { z } from 'zod';
import { isTool, type Tool } from '../tools/defineTool.ts';
import { CrewOptionsError } from './errors.ts';

/** Options given in code are checked like crew files are: one error naming every bad option. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `- ${issue.path.map(String).join('.') || '(options)'}: ${issue.message}`);
  throw new CrewOptionsError(`${what} has invalid options:\n${lines.join('\n')}`);
}

export const text = () => z.string().trim().min(1, 'must not be empty');

export const toolList = () => z.array(z.custom<Tool>(isTool, 'must be a tool made with defineTool from crewbot/tools'));

/** An id or name a crew refers to things by: what `{name}` placeholders and crew files allow too. */
export function slug(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'unnamed'
  );
}
