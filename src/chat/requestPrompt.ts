import { exactDollars } from '../llm/costText.ts';
import { HumanAnswerSchema, type HumanAnswer, type HumanRequest } from '../engine/humanRequest.ts';

/** A piece of a request's body; each surface picks its own markup (Slack mrkdwn, Discord markdown, plain text). */
export type PromptBlock =
  | { type: 'text'; text: string }
  /** Words of the agent shown as they are (a draft, a question). */
  | { type: 'quote'; text: string }
  | { type: 'code'; language: 'json' | 'text'; text: string };

export type RequestActionId = 'approve' | 'request_changes' | 'answer' | 'deny';

/** One way to answer: a button, a component, a typed reply. */
export interface RequestAction {
  id: RequestActionId;
  label: string;
  style: 'primary' | 'danger' | 'default';
  /** The type of the HumanAnswer this action gives. */
  answer: HumanAnswer['type'];
  /** Set when the answer carries text: how to ask for it (a modal field, a reply). */
  text?: { label: string; placeholder: string; required: boolean } | undefined;
}

/** A pending HumanRequest described once for every surface: what to show and how it can be answered. */
export interface RequestPrompt {
  requestId: string;
  kind: HumanRequest['kind'];
  taskId: string;
  agent: string;
  title: string;
  body: PromptBlock[];
  actions: RequestAction[];
}

/** An action that does not belong to the request, or text it needs and did not get. */
export class RequestActionError extends Error {
  override name = 'RequestActionError';
}

const APPROVE: RequestAction = { id: 'approve', label: 'Approve', style: 'primary', answer: 'approve' };

export function describeRequest(request: HumanRequest): RequestPrompt {
  const base = { requestId: request.id, kind: request.kind, taskId: request.taskId, agent: request.agent };
  switch (request.kind) {
    case 'review': {
      const round = request.round > 0 ? `, round ${request.round + 1}` : '';
      return {
        ...base,
        title: `Review the draft of ${request.taskId} (${request.agent})${round}`,
        body: [
          { type: 'text', text: `${request.agent} drafted this for ${request.taskId}:` },
          { type: 'quote', text: request.draft },
        ],
        actions: [
          APPROVE,
          {
            id: 'request_changes',
            label: 'Request changes',
            style: 'default',
            answer: 'feedback',
            text: { label: 'What should change?', placeholder: 'Shorter, and mention the migration guide', required: true },
          },
        ],
      };
    }
    case 'question':
      return {
        ...base,
        title: `Answer a question from ${request.agent} (${request.taskId})`,
        body: [
          { type: 'text', text: `${request.agent} asks:` },
          { type: 'quote', text: request.question },
        ],
        actions: [
          {
            id: 'answer',
            label: 'Answer',
            style: 'primary',
            answer: 'answer',
            text: { label: 'Your answer', placeholder: 'Type your answer', required: true },
          },
        ],
      };
    case 'approval':
      return {
        ...base,
        title: `Approve ${request.tool} in ${request.taskId} (${request.agent})`,
        body: [{ type: 'text', text: `${request.agent} wants to call ${request.tool} with:` }, prettyArguments(request.arguments)],
        actions: [
          APPROVE,
          {
            id: 'deny',
            label: 'Deny',
            style: 'danger',
            answer: 'deny',
            text: { label: 'Why not? (optional, the agent is told)', placeholder: 'Wrong customer', required: false },
          },
        ],
      };
    case 'budget':
      return {
        ...base,
        title: `The run reached its budget: ${exactDollars(request.spentUsd)} of ${exactDollars(request.limitUsd)}`,
        body: [
          { type: 'text', text: `The run has spent ${exactDollars(request.spentUsd)}; its limit is ${exactDollars(request.limitUsd)}. ${request.agent} needs more for ${request.taskId}.` },
          { type: 'text', text: `Approve to allow another ${exactDollars(request.stepUsd)}, or stop the run.` },
        ],
        actions: [
          { ...APPROVE, label: `Approve +${exactDollars(request.stepUsd)}` },
          { id: 'deny', label: 'Stop', style: 'danger', answer: 'deny' },
        ],
      };
    default: {
      const never: never = request;
      throw new Error(`Unknown request ${JSON.stringify(never)}`);
    }
  }
}

/** The answer an action gives, with the text a person typed for it (a button press has none). */
export function answerForAction(prompt: RequestPrompt, actionId: string, text?: string): HumanAnswer {
  const action = prompt.actions.find((candidate) => candidate.id === actionId);
  if (!action) {
    throw new RequestActionError(
      `"${actionId}" is not an answer to this ${prompt.kind} request; it takes ${prompt.actions.map((candidate) => candidate.id).join(' or ')}.`,
    );
  }
  const typed = text?.trim() ?? '';
  if (action.text?.required && typed === '') throw new RequestActionError(`${action.label} needs text: ${action.text.label}`);
  switch (action.answer) {
    case 'approve':
      return HumanAnswerSchema.parse({ type: 'approve' });
    case 'feedback':
      return HumanAnswerSchema.parse({ type: 'feedback', text: typed });
    case 'answer':
      return HumanAnswerSchema.parse({ type: 'answer', text: typed });
    case 'deny':
      return HumanAnswerSchema.parse(typed ? { type: 'deny', reason: typed } : { type: 'deny' });
    default: {
      const never: never = action.answer;
      throw new Error(`Unknown answer type ${String(never)}`);
    }
  }
}

/** Tool arguments arrive as the model wrote them: pretty JSON when they parse, the text as it is otherwise. */
function prettyArguments(raw: string): PromptBlock {
  try {
    return { type: 'code', language: 'json', text: JSON.stringify(JSON.parse(raw), null, 2) };
  } catch {
    return { type: 'code', language: 'text', text: raw };
  }
}
