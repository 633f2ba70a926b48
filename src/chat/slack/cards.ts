import type { types } from '@slack/bolt';
import type { CrewListing } from '../../crews/listCrews.ts';
import type { Requester, RunRecord } from '../../runs/runRecord.ts';
import { describeInput, needsValue, KICKOFF_USAGE, type KickoffCrew } from '../kickoffText.ts';
import { planLine, taskCost, toolFailureLines, withToolFailures, type ProgressView, type TaskMark } from '../progressView.ts';
import type { RequestAction, RequestPrompt } from '../requestPrompt.ts';
import type { AnsweredRequest, PostedLesson, StatusContext } from '../threadPort.ts';
import { escapeMrkdwn } from './markdown.ts';
import type { AnswerModalMetadata, InputsModalMetadata, ReasonModalMetadata } from './types.ts';
import { costText } from '../../llm/costText.ts';

/** Block Kit for everything crewbot shows in Slack. Untrusted text is escaped on the way in. */

export type Block = types.KnownBlock;
export type ModalView = types.ModalView;
export interface SlackMessage {
  /** Shown in notifications and by screen readers; mrkdwn, so escaped like the blocks. */
  text: string;
  blocks: Block[];
}

export const CANCEL_ACTION = 'crew_cancel';
export const REQUEST_ACTION_PREFIX = 'crew_request:';
export const INPUTS_VIEW = 'crew_inputs';
export const ANSWER_VIEW = 'crew_answer';
export const ANSWER_BLOCK = 'answer';
export const ANSWER_ELEMENT = 'text';
/** 👍 / 👎 under a final result (`crew_rate:up`, `crew_rate:down`), and [Forget] on a lesson. */
export const RATE_ACTION_PREFIX = 'crew_rate:';
export const FORGET_LESSON_ACTION = 'crew_forget_lesson';
export const REASON_VIEW = 'crew_rate_reason';
export const INPUT_BLOCK_PREFIX = 'input:';
export const INPUT_ELEMENT = 'value';

/** Slack's limits on one section's text and on short labels. */
export const SECTION_LIMIT = 3000;

const MARKS: Record<TaskMark, string> = {
  waiting: ':white_large_square:',
  running: ':hourglass_flowing_sand:',
  needs_input: ':raising_hand:',
  done: ':white_check_mark:',
  skipped: ':fast_forward:',
  failed: ':x:',
};

function section(text: string, blockId?: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text }, ...(blockId ? { block_id: blockId } : {}) };
}

function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: clip(text, max), emoji: true };
}

/** Shortens text shown in a limited field, visibly (never used on agent output). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A Slack user id shown as a mention (it is checked to be one); anything else as escaped text. */
export function person(idOrName: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(idOrName) ? `<@${idOrName}>` : escapeMrkdwn(idOrName);
}

function inputsLine(inputs: Record<string, string>): string {
  return Object.entries(inputs)
    .map(([name, value]) => `${escapeMrkdwn(name)}: ${escapeMrkdwn(clip(value.replace(/\s+/g, ' '), 200))}`)
    .join(' · ');
}

/** The message a /crew kickoff posts in the channel; the run lives in its thread. */
export function rootMessage(crew: string, requester: Requester, inputs: Record<string, string>): SlackMessage {
  const who = person(requester.userId);
  const given = inputsLine(inputs);
  const text = `${who} started *${escapeMrkdwn(crew)}*`;
  return { text, blocks: [section(text), ...(given ? [context(clip(given, SECTION_LIMIT))] : []), context('Progress, questions and results follow in this thread.')] };
}

function statusLabel(run: RunRecord, view: ProgressView): string {
  if (run.status === 'cancelled') return 'cancelled';
  switch (view.status) {
    case 'running':
      return 'running';
    case 'awaiting_input':
      return 'waiting for a person';
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default: {
      const never: never = view.status;
      return String(never);
    }
  }
}

function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

function finished(run: RunRecord, view: ProgressView): boolean {
  return ['completed', 'failed', 'cancelled'].includes(run.status) || view.status === 'completed' || view.status === 'failed';
}

/** The one status message of a run: checklist, current step, time and tokens, and [Cancel] while it goes. */
export function statusMessage({ run, view, live }: StatusContext, now: number): SlackMessage {
  const done = finished(run, view);
  // Compact only while the plan is streaming; a waiting or finished run shows its whole checklist here.
  if (live && !done && view.status === 'running') return liveStatusMessage(run, view);
  const took = elapsed((done ? view.updatedAt : now) - view.startedAt);
  const tokens = (view.usage.promptTokens + view.usage.completionTokens).toLocaleString('en-US');
  const label = escapeMrkdwn(withToolFailures(statusLabel(run, view), view));
  const header = `*${escapeMrkdwn(view.crew)}* · ${label} · ${took} · ${view.usage.llmCalls} LLM calls · ${tokens} tokens · ${costText(view.usage)}`;
  const checklist = view.tasks
    .map((task) => `${MARKS[task.mark]} \`${escapeMrkdwn(task.id)}\`${task.agent ? ` — ${escapeMrkdwn(task.agent)}` : ''}${taskCost(task)}${task.plan ? `\n↳ _plan: ${escapeMrkdwn(planLine(task.plan))}_` : ''}`)
    .join('\n');
  const blocks: Block[] = [section(header), section(clip(checklist, SECTION_LIMIT))];
  const step = view.error ? `:warning: ${escapeMrkdwn(view.error)}` : view.step && !done ? `→ ${escapeMrkdwn(view.step)}` : undefined;
  if (step) blocks.push(context(clip(step, SECTION_LIMIT)));
  const failures = toolFailureLines(view).map((line) => `:warning: ${escapeMrkdwn(line)}`);
  if (failures.length) blocks.push(context(clip(failures.join('\n'), SECTION_LIMIT)));
  const given = inputsLine(run.inputs);
  if (given) blocks.push(context(clip(given, SECTION_LIMIT)));
  if (!done) blocks.push(cancelActions(run, view));
  return { text: `${escapeMrkdwn(view.crew)}: ${label}`, blocks };
}

/** While the plan streams below, the status message only heads the thread: the crew, its inputs and [Cancel]. */
function liveStatusMessage(run: RunRecord, view: ProgressView): SlackMessage {
  const label = escapeMrkdwn(withToolFailures(statusLabel(run, view), view));
  const blocks: Block[] = [section(`*${escapeMrkdwn(view.crew)}* · ${label}`), context('The plan and the agents’ work follow below, live.')];
  const given = inputsLine(run.inputs);
  if (given) blocks.push(context(clip(given, SECTION_LIMIT)));
  blocks.push(cancelActions(run, view));
  return { text: `${escapeMrkdwn(view.crew)}: ${statusLabel(run, view)}`, blocks };
}

function cancelActions(run: RunRecord, view: ProgressView): Block {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: CANCEL_ACTION,
        text: plain('Cancel', 75),
        style: 'danger',
        value: JSON.stringify({ run: run.id }),
        confirm: {
          title: plain('Cancel this run?', 100),
          text: { type: 'mrkdwn', text: `*${escapeMrkdwn(view.crew)}* stops at its next step.` },
          confirm: plain('Cancel the run', 30),
          deny: plain('Keep it running', 30),
        },
      },
    ],
  };
}

/** One message of a long text: the title on the first, the pieces as sections. */
export function textMessage(title: string, pieces: string[], first: boolean, blockIdPrefix: string): SlackMessage {
  const blocks: Block[] = first ? [section(`*${escapeMrkdwn(title)}*`)] : [];
  pieces.forEach((piece, index) => blocks.push(section(piece, `${blockIdPrefix}${index}`)));
  return { text: escapeMrkdwn(first ? title : `${title} (continued)`), blocks };
}

/** The buttons of a request, and how to answer by replying instead. */
export function requestPromptMessage(prompt: RequestPrompt, runId: string): SlackMessage {
  const value = JSON.stringify({ run: runId, request: prompt.requestId });
  const buttons = prompt.actions.map((action): types.Button => ({
    type: 'button',
    action_id: `${REQUEST_ACTION_PREFIX}${action.id}`,
    text: plain(action.label, 75),
    value,
    ...(action.style === 'default' ? {} : { style: action.style }),
  }));
  const reply =
    prompt.kind === 'approval'
      ? 'Or reply in this thread: *approve*, or *deny* and why.'
      : prompt.kind === 'review'
        ? 'Or reply in this thread with what should change (*approve* approves).'
        : 'Or reply in this thread with your answer.';
  return {
    text: escapeMrkdwn(prompt.title),
    blocks: [section(`:raising_hand: *${escapeMrkdwn(prompt.title)}*`), { type: 'actions', elements: buttons }, context(reply)],
  };
}

function requestHeading(answered: AnsweredRequest): string {
  switch (answered.kind) {
    case 'review':
      return `Review of ${answered.taskId}`;
    case 'question':
      return `Question in ${answered.taskId}`;
    case 'approval':
      return `Tool approval in ${answered.taskId}`;
    case 'budget':
      return `Budget of the run`;
    default: {
      const never: never = answered.kind;
      return String(never);
    }
  }
}

/** What a request's buttons become once it is answered: who answered, and what. */
export function answeredMessage(answered: AnsweredRequest): SlackMessage {
  const text = `:white_check_mark: *${escapeMrkdwn(requestHeading(answered))}* — ${person(answered.by)} ${escapeMrkdwn(clip(answered.answer, 2500))}`;
  return { text: escapeMrkdwn(`${requestHeading(answered)}: ${answered.by} ${clip(answered.answer, 200)}`), blocks: [section(text)] };
}

export function noticeMessage(text: string): SlackMessage {
  const escaped = escapeMrkdwn(text);
  return { text: escaped, blocks: [section(clip(escaped, SECTION_LIMIT))] };
}

/** A modal with one field per crew input, for a /crew that left required inputs out. */
export function inputsModal(crew: KickoffCrew & { description?: string | undefined }, given: Record<string, string>, metadata: InputsModalMetadata): ModalView {
  const fields = Object.entries(crew.inputs).map(([name, input]): Block => {
    const initial = given[name] ?? input.default;
    return {
      type: 'input',
      block_id: `${INPUT_BLOCK_PREFIX}${name}`,
      optional: !needsValue(input),
      label: plain(name, 2000),
      ...(input.description ? { hint: plain(input.description, 2000) } : {}),
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ELEMENT,
        ...(initial ? { initial_value: initial } : {}),
      },
    };
  });
  const about = crew.description ? ` — ${escapeMrkdwn(crew.description)}` : '';
  return {
    type: 'modal',
    callback_id: INPUTS_VIEW,
    title: plain('Start a crew', 24),
    submit: plain('Start', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(metadata),
    blocks: [section(clip(`*${escapeMrkdwn(crew.name)}*${about}`, SECTION_LIMIT)), ...fields],
  };
}

/** The modal behind Request changes, Answer and Deny: one text field. */
export function answerModal(prompt: RequestPrompt, action: RequestAction, metadata: AnswerModalMetadata): ModalView {
  const field = action.text ?? { label: 'Comment', placeholder: '', required: false };
  return {
    type: 'modal',
    callback_id: ANSWER_VIEW,
    title: plain(action.label, 24),
    submit: plain('Send', 24),
    close: plain('Back', 24),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section(clip(escapeMrkdwn(prompt.title), SECTION_LIMIT)),
      {
        type: 'input',
        block_id: ANSWER_BLOCK,
        optional: !field.required,
        label: plain(field.label, 2000),
        element: {
          type: 'plain_text_input',
          action_id: ANSWER_ELEMENT,
          multiline: true,
          ...(field.placeholder ? { placeholder: plain(field.placeholder, 150) } : {}),
        },
      },
    ],
  };
}

/** `/crew help`: every crew with its inputs. */
export function helpText(crews: CrewListing[]): string {
  const lines = [`*Start a crew:* \`/crew ${escapeMrkdwn(KICKOFF_USAGE)}\``, ''];
  if (crews.length === 0) lines.push('There are no crews yet.');
  for (const crew of crews) {
    lines.push(`• \`${escapeMrkdwn(crew.name)}\`${crew.description ? ` — ${escapeMrkdwn(crew.description)}` : ''}`);
    if (crew.error) {
      lines.push(`    :warning: does not load: ${escapeMrkdwn(clip(crew.error.split('\n')[0] ?? '', 300))}`);
      continue;
    }
    for (const [name, input] of Object.entries(crew.inputs)) lines.push(`    ${escapeMrkdwn(describeInput(name, input))}`);
  }
  lines.push('', 'Or mention me: `@crewbot <crew> …`; reply in a run’s thread to answer its questions.');
  return lines.join('\n');
}

/**
 * Under a final result. Ordinary buttons: Slack's native feedback buttons belong to AI-app
 * messages (assistant threads), which a crew's thread in a channel is not.
 */
export function ratingMessage(runId: string): SlackMessage {
  const value = JSON.stringify({ run: runId });
  const button = (rating: 'up' | 'down', label: string): types.Button => ({ type: 'button', action_id: `${RATE_ACTION_PREFIX}${rating}`, text: plain(label, 75), value });
  return {
    text: 'How was this result?',
    blocks: [{ type: 'actions', elements: [button('up', ':+1: Good'), button('down', ':-1: Not right')] }, context('Rate the result; a :-1: asks what was wrong, and crewbot remembers it for the next runs.')],
  };
}

/** "crewbot will remember: …" with a button to forget it. */
export function lessonMessage(lesson: PostedLesson): SlackMessage {
  const text = `:brain: crewbot will remember: ${escapeMrkdwn(clip(lesson.text, 2_500))}`;
  const forget: types.Button = { type: 'button', action_id: FORGET_LESSON_ACTION, text: plain('Forget', 75), value: JSON.stringify({ run: lesson.runId, lesson: lesson.lessonId }) };
  return { text, blocks: [section(text), { type: 'actions', elements: [forget] }] };
}

/** The modal behind :-1:: what was wrong. */
export function reasonModal(metadata: ReasonModalMetadata): ModalView {
  return {
    type: 'modal',
    callback_id: REASON_VIEW,
    title: plain('What was wrong?', 24),
    submit: plain('Send', 24),
    close: plain('Back', 24),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      {
        type: 'input',
        block_id: ANSWER_BLOCK,
        label: plain('What should the crew do differently next time?', 2000),
        element: { type: 'plain_text_input', action_id: ANSWER_ELEMENT, multiline: true },
      },
    ],
  };
}
