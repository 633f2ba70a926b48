import type { types } from '@slack/bolt';
import type { CrewEvent } from '../../engine/events.ts';
import { defangMarkdown, unsettledTail } from './markdown.ts';

type TaskCard = types.TaskUpdateChunk;
type Source = types.URLSourceElement;

/** Slack's limit on a task card's title, details and output. */
export const CARD_FIELD_LIMIT = 256;
/** Sources shown on one tool card: the first results are the ones an agent reads. */
const SOURCES_PER_CARD = 5;
const OUTPUT_LINES = 3;

export interface PlanTask {
  id: string;
  /** The agent's role, when the crew names one for the task. */
  agent?: string | undefined;
}

/** What is new in the plan since it was last taken: cards at their latest state, then text. */
export interface PlanChanges {
  cards: TaskCard[];
  markdown: string;
}

/**
 * A run as Slack's plan (`task_display_mode: plan`): one card per crew task, one per tool call
 * with what it was asked and the pages it read as sources, and the agents' text as Markdown.
 * Built only from events, so a restarted process rebuilds it from the run's event log. Cards
 * changed since the last `take()` are kept at their latest state, so a burst of events coalesces
 * into one update per card.
 */
export class SlackPlan {
  readonly #cards = new Map<string, TaskCard>();
  readonly #changed = new Set<string>();
  /** Tool cards still running, by who called what, oldest first (their events carry no call id). */
  readonly #runningTools = new Map<string, string[]>();
  #toolCount = 0;
  #text = '';
  /** The task and agent whose text is streaming, so the next speaker gets a heading. */
  #speaker: string | undefined;
  /** Tasks whose text was streamed as it was written. */
  readonly #spoke = new Set<string>();
  /** The heading of the text streaming now, to head it again in a new message. */
  #heading = '';
  /** A model call ended: the same agent's next call starts a new paragraph. */
  #callEnded = false;

  constructor(tasks: PlanTask[]) {
    for (const task of tasks) this.#set(task.id, { title: taskTitle(task.id, task.agent), status: 'pending' });
  }

  /** `past`: replayed from the run's log to rebuild the plan; outputs already shown are not streamed again. */
  apply(event: CrewEvent, past = false): void {
    switch (event.type) {
      case 'task_started':
        this.#set(event.taskId, { status: 'in_progress' });
        break;
      case 'task_allocated':
      case 'agent_execution_started':
        this.#set(event.taskId, { title: taskTitle(event.taskId, event.agent), status: 'in_progress' });
        break;
      case 'task_retry':
        this.#set(event.taskId, { status: 'in_progress', details: clip(`retrying (attempt ${event.attempt} of ${event.maxRetryLimit + 1}): ${event.error}`) });
        break;
      case 'human_input_requested':
        this.#set(event.request.taskId, { status: 'in_progress', details: `waiting for a person (${event.request.kind})` });
        break;
      case 'human_input_received':
        this.#set(event.taskId, { details: clip(`${event.by} ${event.answer}`) });
        break;
      case 'task_completed':
        this.#set(event.taskId, { title: taskTitle(event.taskId, event.output.agent), status: 'complete', output: firstLines(event.output.raw) });
        // A model that does not stream still shows its work: the whole output, once it is in.
        if (!past && !this.#spoke.has(event.taskId)) this.appendText(event.output.raw, event.taskId, event.output.agent);
        break;
      case 'task_skipped':
        this.#set(event.taskId, { status: 'complete', details: clip(`skipped: ${event.reason}`) });
        break;
      case 'task_failed':
        this.#set(event.taskId, { status: 'error', details: clip(event.error) });
        break;
      case 'llm_stream_chunk':
        this.appendText(event.chunk, event.taskId, event.agent);
        break;
      case 'llm_call_completed':
      case 'llm_call_failed':
        this.#callEnded = true;
        break;
      case 'tool_usage_started':
        this.#toolStarted(event);
        break;
      case 'tool_usage_finished': {
        const id = this.#toolDone(event);
        if (id) this.#set(id, { status: 'complete', ...this.#withSources(id, sourcesFromResult(event.tool, event.output)) });
        break;
      }
      case 'tool_usage_error': {
        const id = this.#toolDone(event);
        if (id) this.#set(id, { status: 'error', output: clip(event.error) });
        break;
      }
      default:
        break;
    }
  }

  /** Text the model is writing for `taskId`, as it arrives. */
  appendText(text: string, taskId: string | undefined, agent: string | undefined): void {
    if (text.length === 0) return;
    if (taskId) this.#spoke.add(taskId);
    const speaker = `${taskId ?? ''}\u0000${agent ?? ''}`;
    if (speaker !== this.#speaker) {
      const heading = [agent, taskId].filter(Boolean).join(' · ');
      this.#heading = heading;
      this.#text += `${this.#text.length > 0 || this.#speaker !== undefined ? '\n\n' : ''}${heading ? `**${heading}**\n\n` : ''}`;
      this.#speaker = speaker;
    } else if (this.#callEnded) {
      this.#text += '\n\n';
    }
    this.#callEnded = false;
    this.#text += text;
  }

  /** Anything at all is waiting, the last words included. */
  get untaken(): boolean {
    return this.#changed.size > 0 || this.#text.length > 0;
  }

  /** Something can go out now (text that could still become a mention waits for what follows it). */
  get pending(): boolean {
    return this.#changed.size > 0 || this.#text.length > unsettledTail(this.#text);
  }

  /**
   * What changed since the last take; `all` gives every card (a new message shows the whole plan).
   * Text that could still turn into a mention with the next chunk waits, unless this is the last take.
   */
  take(options: { all?: boolean; last?: boolean } = {}): PlanChanges {
    const ids = options.all ? [...this.#cards.keys()] : [...this.#changed];
    this.#changed.clear();
    const keep = options.last ? 0 : unsettledTail(this.#text);
    const markdown = defangMarkdown(this.#text.slice(0, this.#text.length - keep));
    this.#text = this.#text.slice(this.#text.length - keep);
    return { cards: ids.map((id) => ({ ...this.#cards.get(id)! })), markdown };
  }

  /** Text taken but not delivered (its message had ended) goes out first in the next message, under its heading. */
  putBackText(markdown: string): void {
    if (markdown.length === 0 && this.#text.length === 0) return this.restartText();
    this.#text = `${this.#heading ? `**${this.#heading}**\n\n` : ''}${markdown}${this.#text}`;
  }

  /** A new message starts: the next text gets its speaker's heading again. */
  restartText(): void {
    this.#speaker = undefined;
  }

  #toolStarted(event: Extract<CrewEvent, { type: 'tool_usage_started' }>): void {
    this.#toolCount += 1;
    const id = `tool-${this.#toolCount}`;
    const key = toolKey(event);
    this.#runningTools.set(key, [...(this.#runningTools.get(key) ?? []), id]);
    const asked = askedOf(event.tool, event.arguments);
    const title = `${event.agent ?? 'An agent'} · ${event.tool}`;
    this.#set(id, { title: clip(title), status: 'in_progress', details: clip(asked), ...this.#withSources(id, sourcesFromArguments(event.tool, event.arguments)) });
  }

  #toolDone(event: CrewEvent): string | undefined {
    const key = toolKey(event);
    const [id, ...rest] = this.#runningTools.get(key) ?? [];
    if (rest.length > 0) this.#runningTools.set(key, rest);
    else this.#runningTools.delete(key);
    return id;
  }

  #withSources(id: string, found: Source[]): { sources?: Source[] } {
    const known = this.#cards.get(id)?.sources ?? [];
    const merged = [...known, ...found.filter((source) => !known.some((seen) => seen.url === source.url))].slice(0, SOURCES_PER_CARD);
    return merged.length > 0 ? { sources: merged } : {};
  }

  #set(id: string, fields: Partial<Omit<TaskCard, 'type' | 'id'>>): void {
    const card = this.#cards.get(id) ?? { type: 'task_update' as const, id, title: id, status: 'pending' as const };
    this.#cards.set(id, { ...card, ...fields });
    this.#changed.add(id);
  }
}

function taskTitle(taskId: string, agent: string | undefined): string {
  return clip(agent ? `${taskId} — ${agent}` : taskId);
}

function toolKey(event: CrewEvent): string {
  const tool = 'tool' in event ? event.tool : '';
  return `${event.taskId ?? ''}\u0000${event.agent ?? ''}\u0000${tool}`;
}

/** What a tool was asked, in a line: the query or URL of the web tools, the arguments otherwise. */
function askedOf(tool: string, args: string): string {
  const parsed = parseObject(args);
  if (tool === 'web_search' && typeof parsed?.query === 'string') return `searched for “${parsed.query}”`;
  if (tool === 'fetch_url' && typeof parsed?.url === 'string') return `read ${parsed.url}`;
  return flat(args);
}

function sourcesFromArguments(tool: string, args: string): Source[] {
  const url = tool === 'fetch_url' ? parseObject(args)?.url : undefined;
  return typeof url === 'string' ? sourceOf(url, undefined) : [];
}

/** web_search answers "N. title — link" lines; those links are the sources. */
function sourcesFromResult(tool: string, output: string): Source[] {
  if (tool !== 'web_search') return [];
  return [...output.matchAll(/^\s*\d+\.\s+(.+?)\s+—\s+(https?:\/\/\S+)\s*$/gm)].flatMap((match) => sourceOf(match[2]!, match[1]!));
}

/** Only http(s) URLs become sources; the text shown is the page's title or its host. */
function sourceOf(url: string, title: string | undefined): Source[] {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return [];
    return [{ type: 'url', url: parsed.href, text: clip(flat(title ?? parsed.host)) }];
  } catch {
    return [];
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A task's output on its card: its first non-empty lines, within the card's limit. */
function firstLines(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, OUTPUT_LINES);
  return clip(defangMarkdown(lines.join('\n')));
}

function flat(text: string): string {
  return defangMarkdown(text).replace(/\s+/g, ' ').trim();
}

function clip(text: string, max = CARD_FIELD_LIMIT): string {
  const safe = defangMarkdown(text);
  return safe.length <= max ? safe : `${safe.slice(0, max - 1)}…`;
}
