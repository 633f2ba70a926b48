import { MessageFlags, REST, Routes, type RawFile } from 'discord.js';
import type { Config } from '../../config.ts';
import type { HumanRequest } from '../../engine/humanRequest.ts';
import type { RunRecord, ThreadRef } from '../../runs/runRecord.ts';
import type { AnsweredRequest, LiveThread, LiveThreadHooks, MessageRef, OutputMessage, PlanTask, PostedLesson, StatusContext, ThreadPort } from '../threadPort.ts';
import { answeredComponents, answeredContent, lessonCard, ratingComponents, requestCard, statusEmbed, clip } from './cards.ts';
import { channelOfThread, discordThread } from './thread.ts';
import { DiscordConfigError } from './errors.ts';
import { EditPace } from './editPace.ts';
import { DiscordGrowingMessages, STOPPED_MARK, WRITING_MARK } from './growingMessages.ts';
import { escapeMarkdown, MESSAGE_LIMIT, NO_MENTIONS, splitMarkdown, toDiscordMarkdown } from './markdown.ts';
import { ChannelGuildSchema, CreatedChannelSchema, PostedMessageSchema } from './types.ts';
import { z } from 'zod';

/** Past this many messages an output is attached as a Markdown file instead. */
const MAX_MESSAGES_PER_OUTPUT = 4;
/** Discord's typing indicator lasts about 10 s; it is renewed no more often than this. */
const TYPING_EVERY_MS = 8_000;
const THREAD_NAME = 100;

export interface DiscordThreadPortOptions {
  rest: REST;
  now?: (() => number) | undefined;
  /** Least time between two edits in one channel (Discord limits edits per channel). Default 1 s. */
  editEveryMs?: number | undefined;
}

const DEFAULT_EDIT_EVERY_MS = 1_000;
const MessageContentSchema = z.object({ content: z.string() });

/**
 * Posts into a run's Discord thread over the REST API only (no gateway), so any process running
 * a crew can report into its thread. @discordjs/rest queues per route and waits out 429s for the
 * time Discord asks (retry_after), so edits are delayed, never dropped.
 */
export class DiscordThreadPort implements ThreadPort {
  readonly platform = 'discord' as const;
  /** Discord has nothing to stream a plan into: the status message shows it, beside the growing messages. */
  readonly statusShowsPlan = true;
  readonly rest: REST;
  readonly #now: () => number;
  readonly #typingAt = new Map<string, number>();
  readonly #pace: EditPace;

  constructor(options: DiscordThreadPortOptions) {
    this.rest = options.rest;
    this.#now = options.now ?? Date.now;
    this.#pace = new EditPace(options.editEveryMs ?? DEFAULT_EDIT_EVERY_MS, this.#now);
  }

  /** A port with its own REST client, for a process that posts without the gateway. */
  static fromConfig(config: Config, options: { editEveryMs?: number | undefined } = {}): DiscordThreadPort {
    return new DiscordThreadPort({ rest: discordRest(config), editEveryMs: options.editEveryMs });
  }

  async postStatus(thread: ThreadRef, status: StatusContext): Promise<MessageRef> {
    return this.#post(channelOfThread(thread), { embeds: [statusEmbed(status, this.#now())] });
  }

  async updateStatus(thread: ThreadRef, message: MessageRef, status: StatusContext): Promise<void> {
    await this.#edit(channelOfThread(thread), message, { embeds: [statusEmbed(status, this.#now())] });
  }

  /** The agents' text grows in a message per task while they write; each becomes the task's output. */
  async openLive(thread: ThreadRef, _run: RunRecord, tasks: PlanTask[], hooks: LiveThreadHooks): Promise<LiveThread> {
    return new DiscordGrowingMessages({ target: this, thread, tasks, hooks, now: this.#now() });
  }

  /** A message left growing by a process that stopped says so, instead of "writing…" for ever. */
  async finishLeftOpen(thread: ThreadRef, message: MessageRef): Promise<void> {
    const channel = channelOfThread(thread);
    const found = MessageContentSchema.safeParse(await this.rest.get(Routes.channelMessage(channel, message.id)).catch(() => undefined));
    if (!found.success || !found.data.content.includes(WRITING_MARK)) return;
    await this.#edit(channel, message, { content: found.data.content.replace(WRITING_MARK, STOPPED_MARK) });
  }

  async postContent(thread: ThreadRef, content: string): Promise<MessageRef> {
    return this.#post(channelOfThread(thread), { content, flags: MessageFlags.SuppressEmbeds });
  }

  async editContent(thread: ThreadRef, message: MessageRef, content: string): Promise<void> {
    await this.#edit(channelOfThread(thread), message, { content });
  }

  /** Split at 2,000 characters on paragraph or fence boundaries; attached as .md when that would be too many messages. */
  async postOutput(thread: ThreadRef, output: OutputMessage): Promise<void> {
    const channel = channelOfThread(thread);
    const header = `**${escapeMarkdown(output.title)}**${output.final ? ' — result' : ''}\n\n`;
    const body = output.markdown.trim() ? toDiscordMarkdown(output.markdown) : '_(no output)_';
    const chunks = splitMarkdown(header + body, MESSAGE_LIMIT);
    if (chunks.length > MAX_MESSAGES_PER_OUTPUT) {
      const name = `${output.title.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'output'}.md`;
      await this.#post(channel, { content: `${header}The full text (${output.markdown.length.toLocaleString('en')} characters) is attached as ${name}.` }, [
        { name, data: Buffer.from(output.markdown, 'utf8'), contentType: 'text/markdown' },
      ]);
      return;
    }
    for (const chunk of chunks) {
      if (chunk.trim()) await this.#post(channel, { content: chunk, flags: MessageFlags.SuppressEmbeds });
    }
  }

  async postRequest(thread: ThreadRef, request: HumanRequest, run: RunRecord): Promise<MessageRef> {
    const card = requestCard(request, run);
    const mentions = run.requester.platform === 'discord' ? { parse: [], users: [run.requester.userId] } : NO_MENTIONS;
    const files: RawFile[] = card.file ? [{ name: card.file.name, data: Buffer.from(card.file.text, 'utf8'), contentType: 'text/markdown' }] : [];
    return this.#post(channelOfThread(thread), { content: card.content, embeds: card.embeds, components: card.components, allowed_mentions: mentions }, files);
  }

  async closeRequest(thread: ThreadRef, message: MessageRef, answered: AnsweredRequest): Promise<void> {
    await this.#edit(channelOfThread(thread), message, { content: answeredContent(answered), components: answeredComponents(answered) });
  }

  async postNotice(thread: ThreadRef, text: string): Promise<void> {
    await this.postText(channelOfThread(thread), text);
  }

  async postRating(thread: ThreadRef, runId: string): Promise<void> {
    await this.#post(channelOfThread(thread), { content: 'How was this result?', components: ratingComponents(runId) });
  }

  async postLesson(thread: ThreadRef, lesson: PostedLesson): Promise<void> {
    const card = lessonCard(lesson);
    await this.#post(channelOfThread(thread), { content: card.content, components: card.components });
  }

  async setActivity(thread: ThreadRef, activity: string | undefined): Promise<void> {
    const channel = channelOfThread(thread);
    if (activity === undefined) {
      this.#typingAt.delete(channel);
      return;
    }
    const last = this.#typingAt.get(channel);
    if (last !== undefined && this.#now() - last < TYPING_EVERY_MS) return;
    this.#typingAt.set(channel, this.#now());
    await this.rest.post(Routes.channelTyping(channel));
  }

  /** Plain text in a channel, split when long; `replyTo` answers a person's message. */
  async postText(channelId: string, text: string, options: { replyTo?: string | undefined } = {}): Promise<MessageRef> {
    let first: MessageRef | undefined;
    for (const chunk of splitMarkdown(text, MESSAGE_LIMIT)) {
      const reference = options.replyTo && !first ? { message_reference: { message_id: options.replyTo, fail_if_not_exists: false } } : {};
      const posted = await this.#post(channelId, { content: chunk, ...reference }, [], options.replyTo ? { parse: [], replied_user: true } : NO_MENTIONS);
      first ??= posted;
    }
    return first ?? this.#post(channelId, { content: '…' });
  }

  /** A public thread on a message (a mention, or the reply to /crew run); the thread has the message's id. */
  async startThread(channelId: string, messageId: string, name: string): Promise<string> {
    const created = await this.rest.post(Routes.threads(channelId, messageId), {
      // A week: people answer a crew's questions days later, and edits in an archived thread fail.
      body: { name: clip(name.replace(/\s+/g, ' ').trim() || 'crew run', THREAD_NAME), auto_archive_duration: 10080 },
    });
    return CreatedChannelSchema.parse(created).id;
  }

  /** A new thread in a channel, on a message saying `text` (a trigger's run reports there). */
  async openThread(channelId: string, text: string): Promise<ThreadRef> {
    const channel = ChannelGuildSchema.parse(await this.rest.get(Routes.channel(channelId)));
    if (!channel.guild_id) throw new Error(`channel ${channelId} is not in a server; post_to needs a server text channel`);
    const root = await this.postText(channelId, escapeMarkdown(text));
    return discordThread(channel.guild_id, await this.startThread(channelId, root.id, text));
  }

  /** Every edit waits its channel's turn. */
  async #edit(channelId: string, message: MessageRef, body: Record<string, unknown>): Promise<void> {
    await this.#pace.turn(channelId);
    await this.rest.patch(Routes.channelMessage(channelId, message.id), { body: { ...body, allowed_mentions: NO_MENTIONS } });
  }

  async #post(channelId: string, body: Record<string, unknown>, files: RawFile[] = [], mentions: unknown = NO_MENTIONS): Promise<MessageRef> {
    const posted = await this.rest.post(Routes.channelMessages(channelId), {
      body: { allowed_mentions: mentions, ...body },
      ...(files.length > 0 ? { files } : {}),
    });
    return { id: PostedMessageSchema.parse(posted).id };
  }
}

/** A REST client for the bot: DISCORD_API_URL (tests, proxies) or Discord's own API. */
export function discordRest(config: Config): REST {
  if (!config.DISCORD_TOKEN) throw new DiscordConfigError('DISCORD_TOKEN is not set: add the bot token from the Discord Developer Portal (Bot → Reset Token) to .env.');
  return new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(config.DISCORD_TOKEN);
}
