import { z } from 'zod';
import type { OutputSchema } from '../engine/spec.ts';
import { errorMessage } from '../engine/errors.ts';

export type OutputSchemaResult = { ok: true; schema: OutputSchema } | { ok: false; message: string };

/**
 * A task's inline `output_json` JSON schema, with the zod schema its answers are validated by.
 * The root must be an object: that is what structured-output APIs accept.
 */
export function toOutputSchema(taskId: string, jsonSchema: Record<string, unknown>): OutputSchemaResult {
  if (jsonSchema.type !== 'object') {
    return { ok: false, message: `must describe an object (type: object, with properties), got type ${JSON.stringify(jsonSchema.type ?? null)}` };
  }
  try {
    const zod = z.fromJSONSchema(jsonSchema);
    return { ok: true, schema: { name: `${taskId}_output`, jsonSchema, zod } };
  } catch (error) {
    return { ok: false, message: `is not a JSON schema that can be used: ${errorMessage(error)}` };
  }
}
