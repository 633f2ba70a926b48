import type { webApi } from '@slack/bolt';
import type { HumanRequest } from '../../engine/humanRequest.ts';
import type { RunRecord, ThreadRef } from '../../runs/runRecord.ts';
import { describeRequest, type PromptBlock } from '../requestPrompt.ts';
import type { AnsweredRequest, LiveThread, LiveThreadHooks, MessageRef, OutputMessage, PlanTask, PostedLesson, StatusContext, ThreadPort } from '../threadPort.ts';
import { answeredMessage, clip, lessonMessage, noticeMessage, ratingMessage, requestPromptMessage, SECTION_LIMIT, statusMessage, textMessage, type SlackMessage } from './cards.ts';
import { escapeMrkdwn, markdownToMrkdwn, splitMrkdwn } from './markdown.ts';
import { slackThreadParts } from './thread.ts';
import { threadRef } from '../threadRef.ts';
import { SlackFeatures } from './features.ts';
import { SlackPlanStream, STREAM_ENDED } from './planStream.ts';
import { AuthTestSchema, slackErrorCode } from './types.ts';

export interface SlackThreadPortOptions {
  client: webApi.WebClient;
  /** Texts longer than this (in mrkdwn characters) are uploaded as a .md file instead of posted. */
  inlineLimit?: number | undefined;
  now?: (() => number) | undefined;
  /** The bot's workspace (auth.test's team_id), whom streams in channels are addressed to; asked once when absent. */
  teamId?: string | undefined;
}

const SECTIONS_PER_MESSAGE = 2;
const DEFAULT_INLINE_LIMIT = 12_000;

/** Ends a streamed message an earlier process left open, so it does not stay "typing" for ever. */
const LEFT_OPEN_NOTE = '_This update was interrupted by a restart; the run carries on below._';

/**
 * The outbound half of the Slack surface: messages into a thread over the Web API, given only a
 * WebClient (a bot token) and a ThreadRef, so any process running a crew can report into Slack.
 */
export class SlackThreadPort implements ThreadPort {
  readonly platform = 'slack' as const;
  readonly #client: webApi.WebClient;
  readonly #inlineLimit: number;
  readonly #now: () => number;
  readonly #features = new SlackFeatures();
  #teamId: Promise<string | undefined> | undefined;

  constructor(options: SlackThreadPortOptions) {
    this.#client = options.client;
    this.#inlineLimit = options.inlineLimit ?? DEFAULT_INLINE_LIMIT;
    this.#now = options.now ?? Date.now;
    if (options.teamId) this.#teamId = Promise.resolve(options.teamId);
  }

  async postStatus(thread: ThreadRef, status: StatusContext): Promise<MessageRef> {
    return this.#post(thread, statusMessage(status, this.#now()));
  }

  async updateStatus(thread: ThreadRef, message: MessageRef, status: StatusContext): Promise<void> {
    await this.#update(thread, message, statusMessage(status, this.#now()));
  }

  async postOutput(thread: ThreadRef, output: OutputMessage): Promise<void> {
    const title = output.final ? `${output.title} — result` : output.title;
    await this.#postLong(thread, title, markdownToMrkdwn(output.markdown), output.markdown);
  }

  async postRequest(thread: ThreadRef, request: HumanRequest, run: RunRecord): Promise<MessageRef> {
    const prompt = describeRequest(request);
    // The content and the buttons are two messages: once answered, only the buttons are replaced.
    await this.#postLong(thread, prompt.title, prompt.body.map(blockMrkdwn).join('\n'), prompt.body.map(blockSource).join('\n\n'));
    return this.#post(thread, requestPromptMessage(prompt, run.id));
  }

  async closeRequest(thread: ThreadRef, message: MessageRef, answered: AnsweredRequest): Promise<void> {
    await this.#update(thread, message, answeredMessage(answered));
  }

  async postNotice(thread: ThreadRef, text: string): Promise<void> {
    await this.#post(thread, noticeMessage(text));
  }

  async postRating(thread: ThreadRef, runId: string): Promise<void> {
    await this.#post(thread, ratingMessage(runId));
  }

  async postLesson(thread: ThreadRef, lesson: PostedLesson): Promise<void> {
    await this.#post(thread, lessonMessage(lesson));
  }

  /** A new thread in a channel, headed by `text` (a trigger's run reports there). */
  async openThread(channel: string, text: string): Promise<ThreadRef> {
    const posted = await this.#client.chat.postMessage({ channel, text: escapeMrkdwn(text), unfurl_links: false, unfurl_media: false });
    if (!posted.ts) throw new Error(`Slack did not return the ts of the message posted in ${channel}.`);
    return threadRef('slack', channel, posted.ts);
  }

  /**
   * The run's plan streamed into the thread (task cards, tool cards with their sources, the agents'
   * text). Undefined where this workspace refused streaming before: the status message is used.
   */
  async openLive(thread: ThreadRef, run: RunRecord, tasks: PlanTask[], hooks: LiveThreadHooks): Promise<LiveThread | undefined> {
    if (!this.#features.available('streaming')) return undefined;
    const { channel, threadTs } = slackThreadParts(thread);
    const fromSlack = run.requester.platform === 'slack';
    return new SlackPlanStream({
      client: this.#client,
      target: { channel, threadTs, recipientUserId: fromSlack ? run.requester.userId : undefined, recipientTeamId: fromSlack ? await this.#team() : undefined },
      tasks,
      hooks,
      refusal: (error) => this.#features.refused('streaming', error) !== undefined,
    });
  }

  async finishLeftOpen(thread: ThreadRef, message: MessageRef): Promise<void> {
    const { channel } = slackThreadParts(thread);
    try {
      await this.#client.chat.stopStream({ channel, ts: message.id, chunks: [{ type: 'markdown_text', text: `\n\n${LEFT_OPEN_NOTE}` }] });
    } catch (error) {
      const code = slackErrorCode(error);
      // Already finished (Slack ends idle streams itself) or gone: nothing is left typing.
      if (code && STREAM_ENDED.has(code)) return;
      throw error;
    }
  }

  /** Whether plans are still streamed here (false once the workspace refused it). */
  get streamingAvailable(): boolean {
    return this.#features.available('streaming');
  }

  /** An assistant thread (the app's DM) is titled after the run; elsewhere threads have no title. */
  async setTitle(thread: ThreadRef, title: string): Promise<void> {
    const { channel, threadTs } = slackThreadParts(thread);
    if (!channel.startsWith('D') || !this.#features.available('assistant_title')) return;
    try {
      await this.#client.assistant.threads.setTitle({ channel_id: channel, thread_ts: threadTs, title: clip(title, 255) });
    } catch (error) {
      if (this.#features.refused('assistant_title', error) === undefined) throw error;
    }
  }

  /** Slack's "is thinking…" line; where the workspace does not allow it, nothing happens. */
  async setActivity(thread: ThreadRef, activity: string | undefined): Promise<void> {
    if (!this.#features.available('assistant_status')) return;
    const { channel, threadTs } = slackThreadParts(thread);
    try {
      await this.#client.assistant.threads.setStatus({ channel_id: channel, thread_ts: threadTs, status: activity ? clip(activity, 100) : '' });
    } catch (error) {
      this.#features.refused('assistant_status', error);
    }
  }

  /** Whether assistant.threads.setStatus is still being used (false once the workspace refused it). */
  get activityAvailable(): boolean {
    return this.#features.available('assistant_status');
  }

  #team(): Promise<string | undefined> {
    this.#teamId ??= this.#client.auth
      .test()
      .then((answer) => AuthTestSchema.parse(answer).team_id)
      .catch(() => undefined);
    return this.#teamId;
  }

  async #post(thread: ThreadRef, message: SlackMessage): Promise<MessageRef> {
    const { channel, threadTs } = slackThreadParts(thread);
    const result = await this.#client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!result.ts) throw new Error(`Slack did not return the ts of the message posted in ${thread.id}.`);
    return { id: result.ts };
  }

  async #update(thread: ThreadRef, message: MessageRef, content: SlackMessage): Promise<void> {
    const { channel } = slackThreadParts(thread);
    await this.#client.chat.update({ channel, ts: message.id, text: content.text, blocks: content.blocks });
  }

  /** Short text as sections over one or more messages; long text as a .md file. Nothing is cut. */
  async #postLong(thread: ThreadRef, title: string, mrkdwn: string, source: string): Promise<void> {
    if (mrkdwn.length > this.#inlineLimit && (await this.#upload(thread, title, source))) return;
    const pieces = splitMrkdwn(mrkdwn, SECTION_LIMIT);
    if (pieces.length === 0) pieces.push('_(empty)_');
    for (let start = 0; start < pieces.length; start += SECTIONS_PER_MESSAGE) {
      await this.#post(thread, textMessage(title, pieces.slice(start, start + SECTIONS_PER_MESSAGE), start === 0, `text-${start}-`));
    }
  }

  /** False when the upload is refused (no files:write scope): the caller posts the text instead. */
  async #upload(thread: ThreadRef, title: string, source: string): Promise<boolean> {
    const { channel, threadTs } = slackThreadParts(thread);
    const filename = `${title.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'output'}.md`;
    try {
      await this.#client.filesUploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        content: source,
        filename,
        title: filename,
        initial_comment: `*${escapeMrkdwn(title)}* — ${source.length.toLocaleString('en-US')} characters, attached as ${escapeMrkdwn(filename)}.`,
      });
      return true;
    } catch (error) {
      process.emitWarning(`Slack file upload to ${thread.id} failed (${slackErrorCode(error) ?? String(error)}); posting the text as messages instead.`);
      return false;
    }
  }
}

function blockMrkdwn(block: PromptBlock): string {
  switch (block.type) {
    case 'text':
      return escapeMrkdwn(block.text);
    case 'quote':
      return markdownToMrkdwn(block.text);
    case 'code':
      return `\`\`\`\n${escapeMrkdwn(block.text)}\n\`\`\``;
    default: {
      const never: never = block;
      return String(never);
    }
  }
}

function blockSource(block: PromptBlock): string {
  return block.type === 'code' ? `\`\`\`${block.language}\n${block.text}\n\`\`\`` : block.text;
}
