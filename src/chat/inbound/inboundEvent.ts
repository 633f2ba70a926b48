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
  }),
  /** Stop a run: [Cancel] on its status message, `/crew cancel` in its thread. */
  z.object({
    type: z.literal('cancel'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    run: z.union([z.object({ id: z.string().min(1) }), z.object({ thread: ThreadRefSchema })]),
  }),
  /** Where a run stands, shown only to the person who asked (`/crew status` in its thread). */
  z.object({
    type: z.literal('status'),
    delivery: DeliverySchema,
    who: InboundPersonSchema,
    thread: ThreadRefSchema,
  }),
]);
export type InboundEvent = z.infer<typeof InboundEventSchema>;
