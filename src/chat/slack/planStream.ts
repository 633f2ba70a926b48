import type { types, webApi } from '@slack/bolt';
import type { CrewEvent } from '../../engine/events.ts';
import type { LiveThread, LiveThreadHooks, PlanTask } from '../threadPort.ts';
import { SlackPlan, type PlanChanges } from './plan.ts';
import { slackErrorCode } from './types.ts';

/** Slack's limit on one markdown_text. */
export const MARKDOWN_CHUNK_LIMIT = 12_000;
/** A streamed message this long is finished and the next one carries on, the whole plan again on top. */
const MESSAGE_TEXT_LIMIT = 30_000;

/** Errors that mean the message is no longer streaming (Slack ends idle streams itself). */
export const STREAM_ENDED = new Set(['message_not_in_streaming_state', 'message_not_found']);

export interface StreamTarget {
  channel: string;
  threadTs: string;
  /** Outside a DM Slack needs whom the stream is for. */
  recipientUserId?: string | undefined;
  recipientTeamId?: string | undefined;
}

/**
 * One run's plan streamed into its Slack thread with the Web API's own helper (client.chatStream:
 * chat.startStream, chat.appendStream, chat.stopStream). Each flush is one call carrying every
 * card that changed and the text written since, so the reporter's pace is the call rate.
 */
export class SlackPlanStream implements LiveThread {
  readonly #client: webApi.WebClient;
  readonly #target: StreamTarget;
  readonly #plan: SlackPlan;
  readonly #hooks: LiveThreadHooks;
  /** Tells whether a failed start means streaming is not available (the caller falls back). */
  readonly #refusal: (error: unknown) => boolean;
  #streamer: webApi.ChatStreamer | undefined;
  #textSent = 0;

  constructor(options: { client: webApi.WebClient; target: StreamTarget; tasks: PlanTask[]; hooks: LiveThreadHooks; refusal: (error: unknown) => boolean }) {
    this.#client = options.client;
    this.#target = options.target;
    this.#plan = new SlackPlan(options.tasks);
    this.#hooks = options.hooks;
    this.#refusal = options.refusal;
  }

  push(event: CrewEvent, past = false): void {
    this.#plan.apply(event, past);
  }

  /** Text the model is writing, as it arrives. */
  pushText(text: string, taskId: string | undefined, agent: string | undefined): void {
    this.#plan.appendText(text, taskId, agent);
  }

  get pending(): boolean {
    return this.#plan.pending;
  }

  async flush(): Promise<boolean> {
    if (!this.#plan.pending) return true;
    const starting = this.#streamer === undefined;
    const changes = this.#plan.take({ all: starting });
    const chunks = toChunks(changes);
    if (chunks.length === 0) return true;
    const streamer = this.#streamer ?? this.#start();
    try {
      await streamer.append({ chunks });
    } catch (error) {
      this.#streamer = undefined;
      if (starting && this.#refusal(error)) return false;
      if (starting || !STREAM_ENDED.has(slackErrorCode(error) ?? '')) throw error;
      // Slack ended the message (a long quiet spell): the next one carries the whole plan and this text.
      await this.#hooks.streaming(undefined);
      this.#textSent = 0;
      this.#plan.putBackText(changes.markdown);
      return this.flush();
    }
    if (starting && streamer.ts) await this.#hooks.streaming({ id: streamer.ts });
    this.#textSent += textLength(chunks);
    if (this.#textSent > MESSAGE_TEXT_LIMIT) await this.close();
    return true;
  }

  async close(): Promise<void> {
    const starting = this.#streamer === undefined;
    // Nothing open: what is waiting starts a message that is finished at once.
    if (starting && !this.#plan.untaken) return;
    const streamer = this.#streamer ?? this.#start();
    this.#streamer = undefined;
    this.#textSent = 0;
    const chunks = toChunks(this.#plan.take({ all: starting, last: true }));
    this.#plan.restartText();
    try {
      // A new message starts with its content (Slack wants some), then is finished at once.
      if (starting) await streamer.append({ chunks });
      await streamer.stop(starting ? undefined : { chunks });
    } catch (error) {
      // Refused at the very end: the reporter's final status message tells the outcome all the same.
      if (!(starting && this.#refusal(error))) throw error;
    } finally {
      if (!starting) await this.#hooks.streaming(undefined);
    }
  }

  #start(): webApi.ChatStreamer {
    const { channel, threadTs, recipientUserId, recipientTeamId } = this.#target;
    this.#streamer = this.#client.chatStream({
      channel,
      thread_ts: threadTs,
      task_display_mode: 'plan',
      ...(recipientUserId ? { recipient_user_id: recipientUserId } : {}),
      ...(recipientTeamId ? { recipient_team_id: recipientTeamId } : {}),
      // Text goes out as chunks at the reporter's pace; the helper's own buffer is not used.
      buffer_size: MARKDOWN_CHUNK_LIMIT,
    });
    return this.#streamer;
  }
}

/** Cards first, then the text in pieces Slack accepts. */
function toChunks(changes: PlanChanges): types.AnyChunk[] {
  const chunks: types.AnyChunk[] = [...changes.cards];
  for (let start = 0; start < changes.markdown.length; start += MARKDOWN_CHUNK_LIMIT) {
    chunks.push({ type: 'markdown_text', text: changes.markdown.slice(start, start + MARKDOWN_CHUNK_LIMIT) });
  }
  return chunks;
}

function textLength(chunks: types.AnyChunk[]): number {
  return chunks.reduce((total, chunk) => total + (chunk.type === 'markdown_text' ? chunk.text.length : 0), 0);
}
