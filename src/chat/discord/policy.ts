import { REST, Routes } from 'discord.js';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { errorMessage } from '../../engine/errors.ts';
import { requesterOrLocal, type AnswerPolicy } from '../../runs/answerPolicy.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import { guildOfThread } from './discordThread.ts';
import { discordRest } from './discordThreadPort.ts';
import { DiscordSettingsError } from './errors.ts';
import { GuildMemberRolesSchema } from './types.ts';

const DiscordId = z
  .string({ error: 'write Discord IDs in quotes (YAML turns long numbers into rounded ones), e.g. "123456789012345678"' })
  .regex(/^\d{5,21}$/, 'a Discord ID is the number Developer Mode → Copy ID gives, in quotes');

/**
 * crew.yaml `discord:` — where the crew may be started and by whom, and who besides the person
 * who started a run may answer its requests and cancel it. Every list left out means "anyone".
 */
export const DiscordSettingsSchema = z
  .strictObject({
    /** Servers where the crew may be started. */
    guilds: z.array(DiscordId).optional(),
    /** Channels where it may be started; a thread counts as its parent channel. */
    channels: z.array(DiscordId).optional(),
    /** Roles allowed to start it. */
    roles: z.array(DiscordId).optional(),
    approvers: z
      .strictObject({
        roles: z.array(DiscordId).default([]),
        users: z.array(DiscordId).default([]),
      })
      .default({ roles: [], users: [] }),
  })
  .default({ approvers: { roles: [], users: [] } });
export type DiscordSettings = z.infer<typeof DiscordSettingsSchema>;

/** The crew's `discord:` section, validated; problems name the crew, the file and the key. */
export function discordSettings(crew: LoadedCrew): DiscordSettings {
  return parseDiscordSettings(crew.spec.name, crew.surfaces.discord);
}

export function parseDiscordSettings(crew: string, raw: unknown): DiscordSettings {
  const parsed = DiscordSettingsSchema.safeParse(raw ?? undefined);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${['discord', ...issue.path.map(String)].join('.')}: ${issue.message}`);
  throw new DiscordSettingsError(`${crew}/crew.yaml: ${problems.join('; ')}`);
}

/** Where a kickoff happens and who asks. */
export interface KickoffPlace {
  guildId: string | null;
  channelId: string;
  /** The channel a thread belongs to. */
  parentId?: string | null | undefined;
  roles: readonly string[];
}

/** Why this person may not start this crew here, or undefined when they may. */
export function kickoffRefusal(crew: string, settings: DiscordSettings, place: KickoffPlace): string | undefined {
  if (!place.guildId) return 'Start crews in a server channel: each run gets its own thread there.';
  if (settings.guilds && !settings.guilds.includes(place.guildId)) return `${crew} can't be started in this server.`;
  if (settings.channels && !settings.channels.some((id) => id === place.channelId || id === place.parentId)) {
    return `${crew} can be started in ${settings.channels.map((id) => `<#${id}>`).join(', ')} only.`;
  }
  if (settings.roles && !settings.roles.some((id) => place.roles.includes(id))) {
    return `${crew} can be started by members with ${settings.roles.map((id) => `<@&${id}>`).join(' or ')} only.`;
  }
  return undefined;
}

/** The person who started the run, and the crew's approvers (by user or role). */
export function mayAnswer(settings: DiscordSettings, run: RunRecord, who: { userId: string; roles: readonly string[] }): boolean {
  if (run.requester.platform === 'discord' && run.requester.userId === who.userId) return true;
  if (settings.approvers.users.includes(who.userId)) return true;
  return settings.approvers.roles.some((id) => who.roles.includes(id));
}

export interface DiscordAnswerPolicyOptions {
  config: Config;
  loadCrew(nameOrDir: string): Promise<LoadedCrew>;
  /** For runs and people not on Discord; by default the requester and the local terminal. */
  fallback?: AnswerPolicy | undefined;
  /** Defaults to a REST client from the config. */
  rest?: REST | undefined;
}

/**
 * The Runner's answerPolicy for Discord runs: the requester, the crew's approver users, and members
 * holding an approver role (looked up over REST, since an Actor carries no roles). Anything else
 * goes to `fallback`. A crew whose `discord:` section is broken has no approvers but its requester.
 */
export function discordAnswerPolicy(options: DiscordAnswerPolicyOptions): AnswerPolicy {
  const fallback = options.fallback ?? requesterOrLocal;
  let rest = options.rest;
  return async (run, actor) => {
    if (actor.platform !== 'discord' || run.thread?.platform !== 'discord') return fallback(run, actor);
    if (run.requester.platform === 'discord' && run.requester.userId === actor.userId) return true;
    let settings: DiscordSettings;
    try {
      settings = discordSettings(await options.loadCrew(run.crewDir ?? run.crew));
    } catch (error) {
      process.emitWarning(`discord answer policy for run ${run.id}: ${errorMessage(error)}`);
      return false;
    }
    if (mayAnswer(settings, run, { userId: actor.userId, roles: [] })) return true;
    const guildId = guildOfThread(run.thread);
    if (settings.approvers.roles.length === 0 || !guildId || !options.config.DISCORD_TOKEN) return false;
    rest ??= discordRest(options.config);
    const roles = await memberRoles(rest, guildId, actor.userId);
    return mayAnswer(settings, run, { userId: actor.userId, roles });
  };
}

/** A member's role ids; someone who left the server has none. */
export async function memberRoles(rest: REST, guildId: string, userId: string): Promise<string[]> {
  try {
    return GuildMemberRolesSchema.parse(await rest.get(Routes.guildMember(guildId, userId))).roles;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'status' in error && error.status === 404) return [];
    throw error;
  }
}
