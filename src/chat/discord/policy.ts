import { REST, Routes } from 'discord.js';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { AccessPolicy, KickoffDecision, KickoffPlace } from '../inbound/accessPolicy.ts';
import type { InboundPerson } from '../inbound/inboundEvent.ts';
import { guildOfThread } from './thread.ts';
import { discordRest } from './threadPort.ts';
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

/** Where a kickoff happens and who asks, as Discord's rules read it. */
interface DiscordKickoffPlace {
  guildId: string | null;
  channelId: string;
  /** The channel a thread belongs to. */
  parentId?: string | null | undefined;
  roles: readonly string[];
}

/** Why this person may not start this crew here, or undefined when they may. */
export function kickoffRefusal(crew: string, settings: DiscordSettings, place: DiscordKickoffPlace): string | undefined {
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

export interface DiscordAccessOptions {
  config: Config;
  loadCrew(nameOrDir: string): Promise<LoadedCrew>;
  /** Defaults to a REST client from the config. */
  rest?: REST | undefined;
}

/**
 * Decisions from crew.yaml's `discord:` section. An answer is allowed to the requester, the crew's
 * approver users, and members holding an approver role (the roles an event carried, or looked up
 * over REST when it carried none). A crew whose `discord:` section is broken has no approvers but
 * its requester. One instance per process: the surface and the runner's answer policy share it.
 */
export class DiscordAccess implements AccessPolicy {
  readonly platform = 'discord';
  readonly #options: DiscordAccessOptions;
  #rest: REST | undefined;

  constructor(options: DiscordAccessOptions) {
    this.#options = options;
    this.#rest = options.rest;
  }

  async mayKickOff(crew: LoadedCrew, who: InboundPerson, where: KickoffPlace): Promise<KickoffDecision> {
    const place = { guildId: where.guild ?? null, channelId: where.channel, parentId: where.parent, roles: who.roles ?? [] };
    const refusal = kickoffRefusal(crew.spec.name, discordSettings(crew), place);
    return refusal ? { allowed: false, reason: refusal } : { allowed: true };
  }

  async mayAnswer(run: RunRecord, actor: InboundPerson): Promise<boolean> {
    if (run.requester.platform === 'discord' && run.requester.userId === actor.userId && actor.platform === 'discord') return true;
    if (actor.platform !== 'discord' || run.thread?.platform !== 'discord') return false;
    let settings: DiscordSettings;
    try {
      settings = discordSettings(await this.#options.loadCrew(run.crewDir ?? run.crew));
    } catch (error) {
      process.emitWarning(`discord answer policy for run ${run.id}: ${errorMessage(error)}`);
      return false;
    }
    if (mayAnswer(settings, run, { userId: actor.userId, roles: actor.roles ?? [] })) return true;
    const guildId = guildOfThread(run.thread);
    if (actor.roles || settings.approvers.roles.length === 0 || !guildId || !this.#options.config.DISCORD_TOKEN) return false;
    this.#rest ??= discordRest(this.#options.config);
    const roles = await memberRoles(this.#rest, guildId, actor.userId);
    return mayAnswer(settings, run, { userId: actor.userId, roles });
  }
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
