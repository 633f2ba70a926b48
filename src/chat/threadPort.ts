import type { CrewEvent } from '../engine/events.ts';
import type { HumanRequest } from '../engine/humanRequest.ts';
import type { Platform, RunRecord, ThreadRef } from '../runs/runRecord.ts';
import type { ProgressView } from './progressView.ts';

/** A message a surface posted, as it finds it again (Slack's ts, Discord's message id). */
export interface MessageRef {
  id: string;
}

export interface StatusContext {
  run: RunRecord;
  view: ProgressView;
  /** The run's plan is streamed live below: the status message only heads the thread. */
  live?: boolean | undefined;
}

export interface OutputMessage {
  /** e.g. "research_task — Senior Researcher", or the crew's name for the final result. */
  title: string;
  /** Agent output: untrusted Markdown, converted for the platform; split or attached when long, never cut. */
  markdown: string;
  final: boolean;
}

export interface AnsweredRequest {
  requestId: string;
  kind: HumanRequest['kind'];
  taskId: string;
  /** Who answered, as people know them. */
  by: string;
  /** What they said, in a line: "approved", "asked for changes: …". */
  answer: string;
}

/** A lesson learned in a run, as its thread is told. */
export interface PostedLesson {
  runId: string;
  lessonId: string;
  text: string;
}

/** A crew task as a live plan first shows it, before it starts. */
export interface PlanTask {
  id: string;
  /** The role of the agent the crew gives it, when it names one. */
  agent?: string | undefined;
}

/**
 * A run's live picture streamed into its thread (Slack's plan with the agents' text), where the
 * platform can stream one. Events go in as they come; the reporter paces the flushes.
 */
export interface LiveThread {
  /**
   * Takes a run event (streamed text included) into the picture; nothing is sent until flush().
   * `past`: an event from the run's log, replayed to rebuild the picture, not news to show again.
   */
  push(event: CrewEvent, past?: boolean): void;
  /** Something changed since the last flush. */
  readonly pending: boolean;
  /** Sends what changed, starting a message when none is open. False: the platform refused to stream here. */
  flush(): Promise<boolean>;
  /** Sends what is left and finishes the open message (before a request for a person, at the end of the run). */
  close(): Promise<void>;
}

export interface LiveThreadHooks {
  /** The message being streamed (undefined once finished), kept with the thread so a restart can finish it. */
  streaming(message: MessageRef | undefined): Promise<void>;
}

/**
 * The outbound half of a chat surface: given only a ThreadRef, it posts into the thread over the
 * platform's HTTP API, so whichever process runs a crew can report into its thread.
 */
export interface ThreadPort {
  readonly platform: Platform;
  /** The status message keeps showing the plan while a live thread streams beside it (Discord). */
  readonly statusShowsPlan?: boolean | undefined;
  postStatus(thread: ThreadRef, status: StatusContext): Promise<MessageRef>;
  updateStatus(thread: ThreadRef, message: MessageRef, status: StatusContext): Promise<void>;
  postOutput(thread: ThreadRef, output: OutputMessage): Promise<void>;
  /** The request with its actions (buttons) and "or reply in this thread". */
  postRequest(thread: ThreadRef, request: HumanRequest, run: RunRecord): Promise<MessageRef>;
  /** The request's actions are replaced by who answered and what. */
  closeRequest(thread: ThreadRef, message: MessageRef, answered: AnsweredRequest): Promise<void>;
  postNotice(thread: ThreadRef, text: string): Promise<void>;
  /** Under a run's final result: 👍 / 👎 buttons (a 👎 asks why). */
  postRating?(thread: ThreadRef, runId: string): Promise<void>;
  /** "crewbot will remember: …" with a [Forget] button. */
  postLesson?(thread: ThreadRef, lesson: PostedLesson): Promise<void>;
  /** A live picture of the run, where the platform can stream one; undefined: the status message shows progress. */
  openLive?(thread: ThreadRef, run: RunRecord, tasks: PlanTask[], hooks: LiveThreadHooks): Promise<LiveThread | undefined>;
  /** Finishes a message an earlier process left streaming (it stopped before it could). */
  finishLeftOpen?(thread: ThreadRef, message: MessageRef): Promise<void>;
  /** Names the thread after the run where the platform titles threads (Slack's assistant threads). */
  setTitle?(thread: ThreadRef, title: string): Promise<void>;
  /** The platform's "is working…" indicator, where it has one; undefined clears it. */
  setActivity?(thread: ThreadRef, activity: string | undefined): Promise<void>;
}
