import { z } from 'zod';

/**
 * The parts of Slack's payloads crewbot reads, checked at the boundary. Loose objects: Slack adds
 * fields over time, and only these are relied on.
 */

const SlackId = z.string().min(1);

/** A slash command's form body. */
export const SlashCommandSchema = z.looseObject({
  command: z.string(),
  text: z.string().default(''),
  user_id: SlackId,
  user_name: z.string().optional(),
  channel_id: SlackId,
  team_id: z.string().optional(),
  trigger_id: SlackId,
  response_url: z.string().optional(),
});
export type SlashCommand = z.infer<typeof SlashCommandSchema>;

/** A message or app_mention event: what was said, by whom, where. */
export const MessageEventSchema = z.looseObject({
  type: z.enum(['message', 'app_mention']),
  subtype: z.string().optional(),
  channel: SlackId,
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
  text: z.string().default(''),
  ts: SlackId,
  thread_ts: z.string().optional(),
});
export type MessageEvent = z.infer<typeof MessageEventSchema>;

const UserSchema = z.looseObject({ id: SlackId, username: z.string().optional(), name: z.string().optional() });

/** A button press on one of crewbot's messages. */
export const BlockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  trigger_id: SlackId,
  user: UserSchema,
  channel: z.looseObject({ id: SlackId }).optional(),
  container: z.looseObject({ message_ts: z.string().optional(), thread_ts: z.string().optional(), channel_id: z.string().optional() }).optional(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  response_url: z.string().optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })).min(1),
});
export type BlockActions = z.infer<typeof BlockActionsSchema>;

const InputValueSchema = z.looseObject({ type: z.string(), value: z.string().nullish() });

/** A modal submitted: who, which modal, its hidden metadata and the typed values by block and action id. */
export const ViewSubmissionSchema = z.looseObject({
  type: z.literal('view_submission'),
  user: UserSchema,
  view: z.looseObject({
    id: SlackId,
    callback_id: z.string(),
    private_metadata: z.string().default(''),
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), InputValueSchema)) }),
  }),
});
export type ViewSubmission = z.infer<typeof ViewSubmissionSchema>;

/** Carried in a request button's value: which run and which of its requests. */
export const RequestButtonValueSchema = z.object({ run: z.string().min(1), request: z.string().min(1) });
export type RequestButtonValue = z.infer<typeof RequestButtonValueSchema>;

/** Carried in the Cancel button's value. */
export const CancelButtonValueSchema = z.object({ run: z.string().min(1) });

/** The inputs modal remembers what it is for; Slack hands it back on submission. */
export const InputsModalMetadataSchema = z.object({
  crew: z.string().min(1),
  channel: SlackId,
  threadTs: z.string().optional(),
});
export type InputsModalMetadata = z.infer<typeof InputsModalMetadataSchema>;

/** What a request's button or modal answers with (cards.ts names the buttons `crew_request:<action>`). */
export const RequestActionIdSchema = z.enum(['approve', 'request_changes', 'answer', 'deny']);

/** The answer modal (Request changes, Answer, Deny with a reason). */
export const AnswerModalMetadataSchema = z.object({
  run: z.string().min(1),
  request: z.string().min(1),
  action: RequestActionIdSchema,
  channel: SlackId,
  threadTs: z.string().optional(),
});
export type AnswerModalMetadata = z.infer<typeof AnswerModalMetadataSchema>;

/** [Forget] on a lesson learned in a run. */
export const ForgetLessonValueSchema = z.object({ run: z.string().min(1), lesson: z.string().min(1) });

/** The :-1: reason modal. */
export const ReasonModalMetadataSchema = z.object({ run: z.string().min(1), channel: SlackId, threadTs: z.string().optional() });
export type ReasonModalMetadata = z.infer<typeof ReasonModalMetadataSchema>;

/** auth.test: who the bot is, to ignore its own messages and strip its mention. */
export const AuthTestSchema = z.looseObject({ user_id: z.string().optional(), bot_id: z.string().optional(), team_id: z.string().optional() });

/** A Web API error's code (`not_allowed`, `missing_scope`, ...), when it is one. */
export const PlatformErrorSchema = z.looseObject({ data: z.looseObject({ error: z.string() }) });

export function slackErrorCode(error: unknown): string | undefined {
  const parsed = PlatformErrorSchema.safeParse(error);
  return parsed.success ? parsed.data.data.error : undefined;
}

/** Text Slack hands back (private_metadata, a button's value) read as JSON; undefined when it is not. */
export function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

/** A thread opened in the app's agent pane (assistant_thread_started). */
export const AssistantThreadStartedSchema = z.looseObject({
  type: z.literal('assistant_thread_started'),
  assistant_thread: z.looseObject({ user_id: z.string().optional(), channel_id: SlackId, thread_ts: SlackId }),
});
