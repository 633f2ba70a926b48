import { z } from 'zod';
import { PlatformSchema, ThreadRefSchema } from '../../runs/runRecord.ts';

/**
 * What every surface turns its payloads into: a few platform-neutral events carrying who, where
 * and what. The surface translates; the inbound handler decides.
 */

/** A person acting on a run, as their platform knows them; `roles` where the platform has them (Discord). */
export const InboundPersonSchema = z.object({
  platform: PlatformSchema,
  userId: z.string().min(1),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
});
export type InboundPerson = z.infer<typeof InboundPersonSchema>;

/**
 * One delivery of one payload (a Slack trigger or event ts, a Discord interaction or message id, a
 * line typed at the terminal). Handled at most once per id across retries, replays and processes.
 */
const DeliverySchema = z.string().min(1);

/**
 * Where someone acts, in words every platform has, for the crew's rules: a channel, maybe within a
 * server or under a parent channel (a thread counts as its parent), or a direct message.
 */
export const KickoffPlaceSchema = z.object({
  /** The channel (or thread) written in. */
  channel: z.string(),
  /** The channel a thread belongs to. */
  parent: z.string().nullish(),
  /** The server (Discord guild), where the platform has one. */
  guild: z.string().nullish(),
  /** A direct message with the bot. */
  direct: z.boolean(),
});
export type KickoffPlace = z.infer<typeof KickoffPlaceSchema>;

const RequestActionIdSchema = z.enum(['approve', 'request_changes', 'answer', 'deny']);

export const InboundEventSchema = z.discriminatedUnion('type', [
  /** A button on a request pressed, or the form behind it submitted (then `text` is what was typed). */
  z.object({
    type: z.literal('answer'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    run: z.string().min(1),
    request: z.string().min(1),
    action: RequestActionIdSchema,
    text: z.string().optional(),
  }),
  /** Text written in a run's thread (or typed at a request's prompt), read with the reply vocabulary. */
  z.object({
    type: z.literal('reply'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    thread: ThreadRefSchema,
    text: z.string(),
    /** The bot was called (a mention, a DM, the terminal): someone who is owed an answer when nothing fits. */
    addressed: z.boolean(),
    /** Which request it answers, when the surface knows: the prompt asked, or the request message replied to. */
    to: z.union([z.object({ request: z.string().min(1) }), z.object({ message: z.string().min(1) })]).optional(),
    /** Where the thread is, for the crew's rules when the reply starts a follow-up run. */
    place: KickoffPlaceSchema.optional(),
  }),
  /**
   * Start a crew: a line naming it (`<crew> free text key=value …`, from a command, a mention, the
   * terminal), or a crew and its inputs from a form or a command's options.
   */
  z.object({
    type: z.literal('kickoff'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    place: KickoffPlaceSchema,
    /** The thread the kickoff was written in, when there is one: the run works there unless it has a run already. */
    thread: ThreadRefSchema.optional(),
    what: z.union([
      z.object({ text: z.string() }),
      z.object({ crew: z.string(), inputs: z.record(z.string(), z.string()), text: z.string().optional() }),
    ]),
  }),
  /** Stop a run: [Cancel] on its status message, `/crew cancel` in its thread. */
  z.object({
    type: z.literal('cancel'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    run: z.union([z.object({ id: z.string().min(1) }), z.object({ thread: ThreadRefSchema })]),
  }),
  /** Where a run stands, shown only to the person who asked (`/crew status`, `@crewbot status` in its thread, `status` at the terminal). */
  z.object({
    type: z.literal('status'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    thread: ThreadRefSchema,
  }),
  /** 👍 or 👎 on a run's final result; a 👎 is asked for a reason first, which becomes a lesson. */
  z.object({
    type: z.literal('rate'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    run: z.string().min(1),
    rating: z.enum(['up', 'down']),
    reason: z.string().optional(),
  }),
  /** [Forget] on "crewbot will remember: …" in the thread of the run it was learned in. */
  z.object({
    type: z.literal('forget_lesson'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    run: z.string().min(1),
    lesson: z.string().min(1),
  }),
]);
export type InboundEvent = z.infer<typeof InboundEventSchema>;
export type KickoffEvent = Extract<InboundEvent, { type: 'kickoff' }>;

/** `status` written to the bot in a run's thread: the same word on every surface. */
export function asksForStatus(text: string): boolean {
  return /^status[.?!]*$/i.test(text.trim());
}
