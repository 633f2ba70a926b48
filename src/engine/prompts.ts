import type { ChatMessage } from '../llm/types.ts';

/**
 * Every character here is paid for on every call of every run, so the fixed text is kept short
 * (bench/promptOverhead.ts measures it).
 */

export interface Persona {
  role: string;
  goal: string;
  backstory: string;
}

export function systemPrompt(persona: Persona): string {
  return `You are ${persona.role}. ${persona.backstory}\nYour goal: ${persona.goal}`;
}

export interface TaskPromptParts {
  description: string;
  expectedOutput: string;
  markdown?: boolean | undefined;
  jsonSchema?: Record<string, unknown> | undefined;
  /** Outputs of the tasks this one builds on. */
  context?: string | undefined;
  /** What a review loop asked to change. */
  feedback?: string | undefined;
  /** The crew's plan for this task (planning: true). */
  plan?: string | undefined;
  /** The agent's own approach, written before it started (reasoning: true). */
  approach?: string | undefined;
  /** Offered from outside the run (lessons from people's feedback, past results), already worded. */
  offered?: string | undefined;
}

export function taskPrompt(parts: TaskPromptParts): string {
  let text = parts.expectedOutput ? `${parts.description}\n\nExpected output: ${parts.expectedOutput}` : parts.description;
  if (parts.markdown) text += '\nFormat it in Markdown.';
  if (parts.jsonSchema) text += `\nAnswer with JSON only, matching this JSON schema: ${JSON.stringify(parts.jsonSchema)}`;
  if (parts.context) text += `\n\nContext:\n${parts.context}`;
  if (parts.plan) text += `\n\nPlan for this task:\n${parts.plan}`;
  if (parts.approach) text += `\n\nYour approach, as you planned it:\n${parts.approach}`;
  if (parts.offered) text += `\n\n${parts.offered}`;
  if (parts.feedback) text += `\n\nFeedback on the previous attempt, to address now:\n${parts.feedback}`;
  return text;
}

export function openingMessages(persona: Persona, task: TaskPromptParts): ChatMessage[] {
  return [
    { role: 'system', content: systemPrompt(persona) },
    { role: 'user', content: taskPrompt(task) },
  ];
}

export const FINAL_ANSWER_NOW =
  'You have used all your steps. Give your best final answer now, without calling tools.';

export const EMPTY_ANSWER_NUDGE = 'Your reply was empty. Give your final answer.';

export function guardrailRetryPrompt(feedback: string): string {
  return `Your answer did not pass validation: ${feedback}\nRevise it and give the complete final answer again.`;
}

export function reviewFeedbackPrompt(feedback: string): string {
  return `A person reviewed your answer and asks for changes:\n${feedback}\nRevise it and give the complete final answer again.`;
}

export function contextBlock(outputs: string[]): string {
  return outputs.join('\n\n----------\n\n');
}
