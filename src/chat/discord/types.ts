import { z } from 'zod';

/** Discord ids are 64-bit numbers written as text. */
export const SnowflakeSchema = z.string().regex(/^\d{1,21}$/);

/** A guild member as GET /guilds/{guild}/members/{user} returns it: only the roles are read. */
export const GuildMemberRolesSchema = z.looseObject({ roles: z.array(SnowflakeSchema) });

/** A message Discord returns (POST/PATCH a message, edit an interaction's reply): its id is what is kept. */
export const PostedMessageSchema = z.looseObject({ id: SnowflakeSchema, channel_id: SnowflakeSchema });

/** A channel Discord returns when a thread is created. */
export const CreatedChannelSchema = z.looseObject({ id: SnowflakeSchema });
/** GET /channels/{id}: the server a channel belongs to (none for a DM). */
export const ChannelGuildSchema = z.looseObject({ id: SnowflakeSchema, guild_id: SnowflakeSchema.optional() });
