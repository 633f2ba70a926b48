import path from 'node:path';
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { AccessPolicy, KickoffDecision, KickoffPlace } from '../inbound/accessPolicy.ts';
import type { InboundPerson } from '../inbound/inboundEvent.ts';
import { SlackSettingsError } from './errors.ts';
import { escapeMrkdwn } from './markdown.ts';
import { createSlackWebClient } from './slackClient.ts';
import { slackErrorCode } from './types.ts';

const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'use the channel ID (C… or G…, at the bottom of the channel’s details), not its name');
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'use the member ID (U…, in the person’s profile: ⋮ → Copy member ID), not a name');
const groupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'use the user group ID (S…, in the group’s page URL), not its handle');

/** crew.yaml `slack:`: where the crew may be started, by whom, and who may answer its prompts. */
export const SlackCrewSettingsSchema = z.strictObject({
  /** Channels where it may be started; absent: any channel the bot is in. */
  channels: z.array(channelId).optional(),
  /** Whether it may be started in a direct message with the bot; absent: only when `channels` is absent too. */
  direct_messages: z.boolean().optional(),
  /** People who may start it; with user_groups absent too: anyone. */
  users: z.array(userId).optional(),
  user_groups: z.array(groupId).optional(),
  /** Who may answer its prompts and cancel it, besides the person who started the run. */
  approvers: z
    .strictObject({
      users: z.array(userId).default([]),
      user_groups: z.array(groupId).default([]),
    })
    .default({ users: [], user_groups: [] }),
});
export type SlackCrewSettings = z.infer<typeof SlackCrewSettingsSchema>;

export function readSlackSettings(crew: LoadedCrew): SlackCrewSettings {
  const parsed = SlackCrewSettingsSchema.safeParse(crew.surfaces.slack ?? {});
  if (parsed.success) return parsed.data;
  const relative = path.relative(process.cwd(), crew.dir);
  const dir = relative && !relative.startsWith('..') ? relative : crew.dir;
  const lines = parsed.error.issues.map((issue) => `${dir}/crew.yaml: slack${issue.path.map((key) => `.${String(key)}`).join('')}: ${issue.message}`);
  throw new SlackSettingsError(lines.join('\n'));
}

/**
 * A crew limited to channels is not open to anyone who writes to the bot directly: DMs come
 * with `channels` only when `direct_messages: true` says so.
 */
export function directMessagesAllowed(settings: SlackCrewSettings): boolean {
  return settings.direct_messages ?? settings.channels === undefined;
}

export interface SlackAccessOptions {
  client: webApi.WebClient;
  loadCrew(nameOrDir: string): Promise<LoadedCrew>;
  /** How long a user group's members are remembered. */
  groupTtlMs?: number | undefined;
}

/**
 * Decisions from crew.yaml's `slack:` section; user groups are looked up (and remembered a while).
 * Reasons are mrkdwn. One instance per process: the surface and the runner's answer policy share it.
 */
export class SlackAccess implements AccessPolicy {
  readonly platform = 'slack';
  readonly #options: SlackAccessOptions;
  readonly #groups = new Map<string, { at: number; members: Promise<Set<string>> }>();

  constructor(options: SlackAccessOptions) {
    this.#options = options;
  }

  async mayKickOff(crew: LoadedCrew, who: InboundPerson, where: KickoffPlace): Promise<KickoffDecision> {
    const settings = readSlackSettings(crew);
    const name = `*${escapeMrkdwn(crew.spec.name)}*`;
    const direct = where.direct;
    if (direct && !directMessagesAllowed(settings)) {
      return { allowed: false, reason: `Not allowed. ${name} cannot be started in a direct message; start it in one of its channels.` };
    }
    if (!direct && settings.channels && !settings.channels.includes(where.channel)) {
      return { allowed: false, reason: `Not allowed. ${name} cannot be started in this channel. It can be started in ${settings.channels.map((id) => `<#${id}>`).join(', ')}.` };
    }
    if (settings.users === undefined && settings.user_groups === undefined) return { allowed: true };
    if (settings.users?.includes(who.userId) || (await this.#inAnyGroup(who.userId, settings.user_groups ?? []))) return { allowed: true };
    return { allowed: false, reason: `Not allowed. You are not allowed to start ${name}: its crew.yaml names who may. Ask one of them, or the crew's owner.` };
  }

  /** The requester, and the crew's approvers (users or members of its approver groups). */
  async mayAnswer(run: RunRecord, actor: InboundPerson): Promise<boolean> {
    if (actor.platform === run.requester.platform && actor.userId === run.requester.userId) return true;
    if (actor.platform !== 'slack') return false;
    let settings: SlackCrewSettings;
    try {
      settings = readSlackSettings(await this.#options.loadCrew(run.crewDir ?? run.crew));
    } catch (error) {
      process.emitWarning(`Slack approvers of ${run.crew} cannot be read, so only the requester may answer: ${errorMessage(error)}`);
      return false;
    }
    return settings.approvers.users.includes(actor.userId) || (await this.#inAnyGroup(actor.userId, settings.approvers.user_groups));
  }

  async #inAnyGroup(user: string, groups: string[]): Promise<boolean> {
    for (const group of groups) if ((await this.#members(group)).has(user)) return true;
    return false;
  }

  #members(group: string): Promise<Set<string>> {
    const ttl = this.#options.groupTtlMs ?? 60_000;
    const known = this.#groups.get(group);
    if (known && Date.now() - known.at < ttl) return known.members;
    const members = this.#options.client.usergroups.users.list({ usergroup: group }).then(
      (result) => new Set(result.users ?? []),
      (error: unknown) => {
        // Fail closed: nobody is taken for a member of a group that cannot be read.
        this.#groups.delete(group);
        const code = slackErrorCode(error);
        const fix = code === 'missing_scope' ? 'add the usergroups:read scope to the app' : 'check the user group id in crew.yaml';
        process.emitWarning(`Slack user group ${group} cannot be read (${code ?? errorMessage(error)}), so nobody counts as its member: ${fix}.`);
        return new Set<string>();
      },
    );
    this.#groups.set(group, { at: Date.now(), members });
    return members;
  }
}

/** The process's Slack policy, with a Web API client of its own for user-group lookups. */
export function createSlackAccess(runtime: { config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>; loadCrew(nameOrDir: string): Promise<LoadedCrew> }): SlackAccess {
  return new SlackAccess({ client: createSlackWebClient(runtime.config), loadCrew: (name) => runtime.loadCrew(name) });
}
