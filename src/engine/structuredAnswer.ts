import { completeStructured, parseJsonFromText } from '../llm/structuredOutput.ts';
import { coordinatorSite } from './coordinator.ts';
import type { RunContext } from './runContext.ts';
import type { OutputSchema } from './spec.ts';

/**
 * The agent was asked for JSON. When its answer already validates it is taken as is; otherwise one
 * conversion call (response_format where the server supports it, repaired once) turns it into JSON.
 */
export async function structuredAnswer(
  ctx: RunContext,
  taskId: string,
  answer: string,
  schema: OutputSchema,
): Promise<{ raw: string; json: unknown }> {
  const direct = tryParse(answer, schema);
  if (direct.ok) return { raw: JSON.stringify(direct.value, null, 2), json: direct.value };
  // Kept by answer, so a task re-run while it waits for review does not convert (and pay) again.
  const key = `${taskId}/structured/${answer.length}:${answer.slice(0, 64)}`;
  if (key in ctx.state.decisions) {
    const known = schema.zod.safeParse(ctx.state.decisions[key]);
    if (known.success) return { raw: JSON.stringify(known.data, null, 2), json: known.data };
  }
  const { value } = await completeStructured(
    ctx.llmFor(coordinatorSite(taskId)),
    {
      messages: [
        { role: 'system', content: 'Convert the text into JSON that matches the schema. Answer with JSON only.' },
        { role: 'user', content: `Schema: ${JSON.stringify(schema.jsonSchema)}\n\nText:\n${answer}` },
      ],
    },
    schema,
  );
  ctx.state.decisions[key] = value;
  return { raw: JSON.stringify(value, null, 2), json: value };
}

function tryParse(answer: string, schema: OutputSchema): { ok: true; value: unknown } | { ok: false } {
  try {
    const parsed = schema.zod.safeParse(parseJsonFromText(answer));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false };
  } catch {
    return { ok: false };
  }
}
