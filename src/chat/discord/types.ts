import { z } from 'zod';
import { HumanRequestSchema } from '../../engine/humanRequest.ts';

/** Discord ids are 64-bit numbers written as text. */
export const SnowflakeSchema = z.string().regex(/^\d{1,21}$/);

/** A guild member as GET /guilds/{guild}/members/{user} returns it: only the roles are read. */
export const GuildMemberRolesSchema = z.looseObject({ roles: z.array(SnowflakeSchema) });

/** What the thread reporter keeps per run (its request messages), read to match a reply to its request. */
export const ReporterThreadStateSchema = z.looseObject({
  requests: z.record(z.string(), z.object({ id: z.string() })).default({}),
});

/** A run's pending entries are the engine's requests; anything else is ignored rather than trusted. */
export const PendingRequestsSchema = z.array(z.unknown()).transform((items) =>
  items.flatMap((item) => {
    const parsed = HumanRequestSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  }),
);

/** A message Discord returns (POST/PATCH a message, edit an interaction's reply): its id is what is kept. */
export const PostedMessageSchema = z.looseObject({ id: SnowflakeSchema, channel_id: SnowflakeSchema });

/** A channel Discord returns when a thread is created. */
export const CreatedChannelSchema = z.looseObject({ id: SnowflakeSchema });
/** GET /channels/{id}: the server a channel belongs to (none for a DM). */
export const ChannelGuildSchema = z.looseObject({ id: SnowflakeSchema, guild_id: SnowflakeSchema.optional() });
