import type { CrewEvent } from '../../engine/events.ts';
import type { ThreadRef } from '../../runs/runRecord.ts';
import type { LiveThread, LiveThreadHooks, MessageRef, OutputMessage, PlanTask } from '../threadPort.ts';
import { escapeMarkdown, MESSAGE_LIMIT, splitMarkdown, toDiscordMarkdown } from './markdown.ts';

/** What the growing messages need from the thread port: plain posts and (paced) edits. */
export interface GrowingTarget {
  postContent(thread: ThreadRef, content: string): Promise<MessageRef>;
  editContent(thread: ThreadRef, message: MessageRef, content: string): Promise<void>;
  postOutput(thread: ThreadRef, output: OutputMessage): Promise<void>;
}

/** Marks a message still being written; a restart replaces it with STOPPED_MARK. */
export const WRITING_MARK = ' · ✍️ writing…';
export const STOPPED_MARK = ' · ⏹️ cut off by a restart; the task goes on below';

/** Past this many messages a task's output goes out as an attachment (as postOutput does). */
const MAX_MESSAGES = 4;

interface Growing {
  taskId: string;
  title: string;
  /** The text of the task's current LLM call, as streamed so far. */
  text: string;
  /** A new LLM call started: its first piece replaces the text shown. */
  fresh: boolean;
  /** The task's output, once it is complete. */
  final?: string | undefined;
  message?: MessageRef | undefined;
  dirty: boolean;
  sentAt: number;
}

/**
 * Discord has no streaming API, so the agent's text grows in one message per task, edited at the
 * reporter's pace (each flush sends one edit; the thread port spaces a channel's edits), and the
 * message becomes the task's output when the task completes. The plan stays in the status message.
 */
export class DiscordGrowingMessages implements LiveThread {
  readonly #target: GrowingTarget;
  readonly #thread: ThreadRef;
  readonly #hooks: LiveThreadHooks;
  readonly #agents: Map<string, string | undefined>;
  readonly #entries = new Map<string, Growing>();
  /** Completions from before this process took the thread (replayed from the log) were shown by whoever saw them. */
  readonly #openedAt: number;
  #flushes = 0;

  constructor(options: { target: GrowingTarget; thread: ThreadRef; tasks: PlanTask[]; hooks: LiveThreadHooks; now: number }) {
    this.#target = options.target;
    this.#thread = options.thread;
    this.#hooks = options.hooks;
    this.#agents = new Map(options.tasks.map((task) => [task.id, task.agent]));
    this.#openedAt = options.now;
  }

  push(event: CrewEvent): void {
    switch (event.type) {
      case 'llm_call_started': {
        const entry = event.taskId === undefined ? undefined : this.#entries.get(event.taskId);
        if (entry) entry.fresh = true;
        return;
      }
      case 'llm_stream_chunk': {
        const entry = this.#entry(event.taskId, event.agent);
        if (entry.final !== undefined) return;
        if (entry.fresh || event.restart) entry.text = '';
        entry.fresh = false;
        entry.text += event.chunk;
        entry.dirty = true;
        return;
      }
      case 'task_completed': {
        // A task done before this process took the thread (replayed from the log, never streamed here) was shown already.
        if (event.at < this.#openedAt && !this.#entries.has(event.taskId)) return;
        const entry = this.#entry(event.taskId, event.output.agent);
        entry.final = event.output.raw;
        entry.dirty = true;
        return;
      }
      default:
        return;
    }
  }

  get pending(): boolean {
    for (const entry of this.#entries.values()) if (entry.dirty) return true;
    return false;
  }

  /** One message brought up to date: the one waiting longest, so parallel tasks take turns. */
  async flush(): Promise<boolean> {
    const next = [...this.#entries.values()].filter((entry) => entry.dirty).sort((a, b) => a.sentAt - b.sentAt)[0];
    if (next) await this.#send(next, false);
    return true;
  }

  /** Everything goes out, and every message still growing is finished as it stands. */
  async close(): Promise<void> {
    for (const entry of [...this.#entries.values()]) await this.#send(entry, true);
  }

  #entry(taskId: string, agent: string | undefined): Growing {
    let entry = this.#entries.get(taskId);
    if (!entry) {
      const who = agent ?? this.#agents.get(taskId);
      entry = { taskId, title: `${taskId}${who ? ` — ${who}` : ''}`, text: '', fresh: false, dirty: false, sentAt: 0 };
      this.#entries.set(taskId, entry);
    }
    return entry;
  }

  async #send(entry: Growing, finish: boolean): Promise<void> {
    entry.dirty = false;
    entry.sentAt = ++this.#flushes;
    if (entry.final !== undefined) {
      this.#entries.delete(entry.taskId);
      await this.#showOutput(entry, entry.final);
    } else if (finish) {
      this.#entries.delete(entry.taskId);
      if (entry.message) await this.#target.editContent(this.#thread, entry.message, growingContent(entry.title, entry.text, ''));
    } else if (entry.message) {
      await this.#target.editContent(this.#thread, entry.message, growingContent(entry.title, entry.text, WRITING_MARK));
      return;
    } else {
      entry.message = await this.#target.postContent(this.#thread, growingContent(entry.title, entry.text, WRITING_MARK));
      await this.#hooks.streaming(entry.message);
      return;
    }
    if (entry.message && ![...this.#entries.values()].some((open) => open.message)) await this.#hooks.streaming(undefined);
  }

  /** The growing message becomes the output; a long one carries on in more messages, a very long one is attached. */
  async #showOutput(entry: Growing, output: string): Promise<void> {
    const header = `**${escapeMarkdown(entry.title)}**\n\n`;
    const chunks = splitMarkdown(header + (output.trim() ? toDiscordMarkdown(output) : '_(no output)_'), MESSAGE_LIMIT);
    if (!entry.message) {
      await this.#target.postOutput(this.#thread, { title: entry.title, markdown: output, final: false });
      return;
    }
    if (chunks.length > MAX_MESSAGES) {
      await this.#target.editContent(this.#thread, entry.message, `${header}The full text follows as an attachment.`);
      await this.#target.postOutput(this.#thread, { title: entry.title, markdown: output, final: false });
      return;
    }
    const [first = header, ...rest] = chunks;
    await this.#target.editContent(this.#thread, entry.message, first);
    for (const chunk of rest) if (chunk.trim()) await this.#target.postContent(this.#thread, chunk);
  }
}

/** The title, its mark, and as much of the end of the text as fits one message. */
function growingContent(title: string, text: string, mark: string): string {
  const header = `**${escapeMarkdown(title)}**${mark}\n\n`;
  const body = toDiscordMarkdown(text.trim()) || '…';
  const room = MESSAGE_LIMIT - header.length - 1;
  return header + (body.length > room ? `…${body.slice(body.length - room + 1)}` : body);
}
