import { z } from 'zod';

/** Who answered a request, as the surface that took the answer knows them. */
export const ResponderSchema = z.object({ userId: z.string(), name: z.string().optional() });
export type Responder = z.infer<typeof ResponderSchema>;

/** Something the run waits on a person for. Several may be pending at once (parallel tasks). */
export const HumanRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z.string(),
    /** Where in the run the request stands; answers are kept by it, so re-running the step finds its answer. */
    slot: z.string(),
    kind: z.literal('review'),
    taskId: z.string(),
    agent: z.string(),
    /** Review rounds before this one. */
    round: z.number().int().nonnegative(),
    draft: z.string(),
    createdAt: z.number(),
  }),
  z.object({
    id: z.string(),
    /** Where in the run the request stands; answers are kept by it, so re-running the step finds its answer. */
    slot: z.string(),
    kind: z.literal('question'),
    taskId: z.string(),
    agent: z.string(),
    question: z.string(),
    createdAt: z.number(),
  }),
  z.object({
    id: z.string(),
    /** Where in the run the request stands; answers are kept by it, so re-running the step finds its answer. */
    slot: z.string(),
    kind: z.literal('approval'),
    taskId: z.string(),
    agent: z.string(),
    tool: z.string(),
    /** The tool's arguments as the model gave them (JSON text). */
    arguments: z.string(),
    createdAt: z.number(),
  }),
  z.object({
    id: z.string(),
    /** Where in the run the request stands; answers are kept by it, so re-running the step finds its answer. */
    slot: z.string(),
    /** The run reached limits.max_cost_usd: approving extends it by the same amount again. */
    kind: z.literal('budget'),
    /** The task and agent whose next LLM call the budget stopped (what the money is for). */
    taskId: z.string(),
    agent: z.string(),
    spentUsd: z.number().nonnegative(),
    limitUsd: z.number().positive(),
    /** limits.max_cost_usd: what an approval adds. */
    stepUsd: z.number().positive(),
    createdAt: z.number(),
  }),
]);
export type HumanRequest = z.infer<typeof HumanRequestSchema>;
export type HumanRequestKind = HumanRequest['kind'];

/** What a person can say to each kind of request. */
export const HumanAnswerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('approve') }),
  z.object({ type: z.literal('feedback'), text: z.string().min(1) }),
  z.object({ type: z.literal('answer'), text: z.string().min(1) }),
  z.object({ type: z.literal('deny'), reason: z.string().optional() }),
]);
export type HumanAnswer = z.infer<typeof HumanAnswerSchema>;

export const RecordedAnswerSchema = z.object({
  answer: HumanAnswerSchema,
  by: ResponderSchema,
  at: z.number(),
  /** Set when nobody answered in time and the crew's default outcome was applied. */
  timedOut: z.boolean().optional(),
});
export type RecordedAnswer = z.infer<typeof RecordedAnswerSchema>;

const ALLOWED: Record<HumanRequestKind, HumanAnswer['type'][]> = {
  review: ['approve', 'feedback'],
  question: ['answer'],
  approval: ['approve', 'deny'],
  budget: ['approve', 'deny'],
};

export function answerFits(kind: HumanRequestKind, answer: HumanAnswer): boolean {
  return ALLOWED[kind].includes(answer.type);
}

export function allowedAnswers(kind: HumanRequestKind): string {
  return ALLOWED[kind].join(' or ');
}

/**
 * Thrown inside the engine when a step needs a person. The task stops there, its state saved;
 * other work goes on, and the run ends as awaiting_input once nothing else can move.
 */
export class HumanInputRequired extends Error {
  override name = 'HumanInputRequired';
  constructor(readonly request: HumanRequest) {
    super(`Waiting for a person: ${request.kind} ${request.id}`);
  }
}
