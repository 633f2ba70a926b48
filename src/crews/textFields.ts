import { z } from 'zod';

/** Text an agent or task is built from: surrounding whitespace (YAML's folded `>`) is dropped. */
export const promptText = () => z.string().trim().min(1);

/** CrewAI writes models as `openai/gpt-4o`; our client talks to one OpenAI-compatible server. */
export const modelName = () =>
  z
    .string()
    .trim()
    .min(1)
    .transform((name) => name.replace(/^openai\//, ''));
