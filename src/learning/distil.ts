import type { LlmClient, TokenUsage } from '../llm/types.ts';
import { MAX_LESSON_CHARS } from './lesson.ts';

export class DistilError extends Error {
  override name = 'DistilError';
}

export const DISTIL_INSTRUCTIONS =
  'You keep lessons for a team of AI agents. From a person’s feedback on an agent’s work, write one short, general ' +
  'instruction the agent should follow in every future run of the same task. No names and no details of this one ' +
  `case. At most ${MAX_LESSON_CHARS} characters. Answer with the lesson only.`;

export interface FeedbackToDistil {
  /** The task as the agent was given it. */
  task: string;
  /** What the agent produced (the draft, or the final result that was rated). */
  work: string;
  feedback: string;
}

const WORK_EXCERPT_CHARS = 1_500;

/**
 * One LLM call that turns a person's feedback into a lesson. The feedback and the work are data
 * for the model, fenced off as such; its answer is untrusted too and kept to one short line.
 */
export async function distilLesson(llm: LlmClient, input: FeedbackToDistil): Promise<{ text: string; usage: TokenUsage }> {
  const response = await llm.chat({
    messages: [
      { role: 'system', content: DISTIL_INSTRUCTIONS },
      {
        role: 'user',
        content:
          `Task:\n${input.task}\n\nThe agent's work (excerpt):\n<<<\n${input.work.slice(0, WORK_EXCERPT_CHARS)}\n>>>\n\n` +
          `The person's feedback:\n<<<\n${input.feedback}\n>>>`,
      },
    ],
  });
  const lesson = oneLine(response.content ?? '');
  if (!lesson) throw new DistilError('the model gave no lesson for the feedback');
  return { text: lesson, usage: response.usage };
}

function oneLine(text: string): string {
  const line = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(lesson:\s*)/i, '')
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .trim();
  return line.length <= MAX_LESSON_CHARS ? line : `${line.slice(0, MAX_LESSON_CHARS - 1).trimEnd()}…`;
}
