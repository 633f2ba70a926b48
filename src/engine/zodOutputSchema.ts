import { z } from 'zod';
import type { OutputSchema } from './spec.ts';

/**
 * A task's output schema given as zod: the JSON schema the model is asked for, and the zod schema
 * answers are validated by. The root must be an object: that is what structured-output APIs accept.
 * Returns the problem instead when the schema cannot be used.
 */
export function zodOutputSchema(name: string, schema: z.ZodType): OutputSchema | string {
  let jsonSchema: Record<string, unknown>;
  try {
    jsonSchema = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  } catch (error) {
    return `cannot be described to the model as JSON schema (${error instanceof Error ? error.message : String(error)}); use plain zod types`;
  }
  delete jsonSchema.$schema;
  if (jsonSchema.type !== 'object') return `must describe an object (z.object({...})), got ${JSON.stringify(jsonSchema.type ?? null)}`;
  return { name, jsonSchema, zod: schema };
}
