import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
} from 'discord.js';
import type { CrewListing } from '../../crews/listCrews.ts';
import type { HumanRequest } from '../../engine/humanRequest.ts';
import type { RunRecord, RunStatus } from '../../runs/runRecord.ts';
import { describeInput } from '../kickoffText.ts';
import { planLine, taskCost, type TaskMark, toolFailureLines, withToolFailures } from '../progressView.ts';
import { describeRequest, type PromptBlock, type RequestAction } from '../requestPrompt.ts';
import type { AnsweredRequest, PostedLesson, StatusContext } from '../threadPort.ts';
import { answeredCustomId, forgetCustomId, rateCustomId, requestCustomId } from './customIds.ts';
import { escapeMarkdown } from './markdown.ts';
import { costText } from '../../llm/costText.ts';

/** Discord's limits on embeds and components. */
const EMBED_TITLE = 256;
const EMBED_DESCRIPTION = 4_096;
const BUTTON_LABEL = 80;
/** Room kept in a request's description for the text around an agent's words. */
const REQUEST_BODY = 3_500;

const COLORS: Record<RunStatus, number> = {
  queued: 0x99aab5,
  running: 0x5865f2,
  awaiting_input: 0xfee75c,
  completed: 0x57f287,
  failed: 0xed4245,
  cancelled: 0x99aab5,
};

const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'queued',
  running: 'running',
  awaiting_input: 'waiting for you',
  completed: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

const MARKS: Record<TaskMark, string> = { waiting: '⬜', running: '🔄', needs_input: '✋', done: '✅', skipped: '⏭️', failed: '❌' };
const STATES: Record<TaskMark, string> = { waiting: 'pending', running: 'in progress', needs_input: 'waiting for you', done: 'done', skipped: 'skipped', failed: 'failed' };

export type Row = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** The status message: the plan, one line per task with its state, in one embed edited in place as the run moves. */
export function statusEmbed({ run, view }: StatusContext, now: number): APIEmbed {
  const lines = view.tasks.flatMap((task) => [
    `${MARKS[task.mark]} \`${task.id}\`${task.agent ? ` — ${escapeMarkdown(task.agent)}` : ''} · ${STATES[task.mark]}${taskCost(task)}`,
    ...(task.plan ? [`↳ *plan: ${escapeMarkdown(planLine(task.plan))}*`] : []),
  ]);
  const running = run.status === 'running' || run.status === 'queued';
  if (view.step && running) lines.push('', `→ ${clip(view.step, 300)}`);
  if (view.error && run.status === 'failed') lines.push('', `**Stopped:** ${clip(view.error, 1_000)}`);
  const failures = toolFailureLines(view);
  if (failures.length) lines.push('', ...failures.map((line) => `⚠️ ${escapeMarkdown(clip(line, 500))}`));
  const tokens = view.usage.promptTokens + view.usage.completionTokens;
  const elapsed = formatElapsed((run.finishedAt ?? now) - view.startedAt);
  return {
    title: clip(`${view.crew} · ${withToolFailures(STATUS_LABELS[run.status], view)}`, EMBED_TITLE),
    description: clip(lines.join('\n'), EMBED_DESCRIPTION),
    color: COLORS[run.status],
    footer: { text: `${elapsed} · ${view.usage.llmCalls} LLM calls · ${tokens} tokens · ${costText(view.usage)} · run ${run.id}` },
  };
}

export interface RequestCard {
  content?: string | undefined;
  embeds: APIEmbed[];
  components: Row[];
  /** The agent's words in full when they do not fit the card. */
  file?: { name: string; text: string } | undefined;
}

/** A request with its buttons; the requester is pinged so they know the crew waits for them. */
export function requestCard(request: HumanRequest, run: RunRecord): RequestCard {
  const prompt = describeRequest(request);
  const { text, cut } = renderBlocks(prompt.body, REQUEST_BODY);
  const hint = 'Use the buttons, or reply in this thread and mention me.';
  return {
    ...(run.requester.platform === 'discord' ? { content: `<@${run.requester.userId}> the crew needs you.` } : {}),
    embeds: [
      {
        title: clip(prompt.title, EMBED_TITLE),
        description: clip(`${text}${cut ? `\n\n_Shortened here; the full text is attached as ${cut.name}._` : ''}`, EMBED_DESCRIPTION),
        color: COLORS.awaiting_input,
        footer: { text: hint },
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: prompt.actions.map((action) => button(action, run.id, request.id)) }],
    ...(cut ? { file: cut } : {}),
  };
}

/** Once answered, the buttons go and one disabled button says who answered and what. */
export function answeredComponents(answered: AnsweredRequest): Row[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: clip(`${answered.by} ${answered.answer}`, BUTTON_LABEL),
          custom_id: answeredCustomId(answered.requestId),
          disabled: true,
        },
      ],
    },
  ];
}

export function answeredContent(answered: AnsweredRequest): string {
  return clip(`**${escapeMarkdown(answered.by)}** ${answered.answer}`, 2_000);
}

/** `/crew list`: every crew with what it does and the inputs it takes. */
export function crewListEmbed(crews: CrewListing[]): APIEmbed {
  if (crews.length === 0) return { title: 'Crews', description: 'There are no crews yet.' };
  const lines = crews.map((crew) => {
    if (crew.error) return `**${escapeMarkdown(crew.name)}** — does not load: ${clip(crew.error, 200)}`;
    const inputs = Object.entries(crew.inputs).map(([name, input]) => `  • ${describeInput(name, input)}`);
    return [`**${escapeMarkdown(crew.name)}**${crew.description ? ` — ${crew.description}` : ''}`, ...inputs].join('\n');
  });
  return {
    title: 'Crews',
    description: clip(`${lines.join('\n\n')}\n\nStart one with \`/crew run\` or by mentioning me: \`@crewbot <crew> <what to work on>\`.`, EMBED_DESCRIPTION),
  };
}

function button(action: RequestAction, runId: string, requestId: string): APIButtonComponentWithCustomId {
  const style = action.style === 'primary' ? ButtonStyle.Primary : action.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary;
  return { type: ComponentType.Button, style, label: clip(action.label, BUTTON_LABEL), custom_id: requestCustomId(action.id, runId, requestId) };
}

/** The request's body as Discord Markdown; the agent's words are quoted, cut at `budget` with the full text set aside. */
function renderBlocks(blocks: PromptBlock[], budget: number): { text: string; cut?: { name: string; text: string } | undefined } {
  const parts: string[] = [];
  let cut: { name: string; text: string } | undefined;
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        parts.push(block.text);
        break;
      case 'quote':
      case 'code': {
        const room = Math.max(200, budget - parts.join('\n').length);
        const shown = block.text.length > room ? `${block.text.slice(0, room)}…` : block.text;
        if (shown !== block.text) cut = { name: block.type === 'quote' ? 'draft.md' : 'arguments.txt', text: block.text };
        parts.push(block.type === 'quote' ? quote(shown) : `\`\`\`${block.language === 'json' ? 'json' : ''}\n${shown.replace(/```/g, '`\u200b``')}\n\`\`\``);
        break;
      }
      default: {
        const never: never = block;
        throw new Error(`Unknown prompt block ${JSON.stringify(never)}`);
      }
    }
  }
  return { text: parts.join('\n'), ...(cut ? { cut } : {}) };
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** 👍 / 👎 under a final result; a 👎 asks what was wrong in a form. */
export function ratingComponents(runId: string): Row[] {
  const button = (rating: 'up' | 'down', label: string): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: rateCustomId(rating, runId),
  });
  return [{ type: ComponentType.ActionRow, components: [button('up', '👍 Good'), button('down', '👎 Not right')] }];
}

/** "crewbot will remember: …" and its [Forget] button. */
export function lessonCard(lesson: PostedLesson): { content: string; components: Row[] } {
  const forget: APIButtonComponentWithCustomId = { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Forget', custom_id: forgetCustomId(lesson.runId, lesson.lessonId) };
  return { content: clip(`🧠 crewbot will remember: ${escapeMarkdown(lesson.text)}`, 2_000), components: [{ type: ComponentType.ActionRow, components: [forget] }] };
}
