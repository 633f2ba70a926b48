import { GuildMember, type APIInteractionGuildMember, type User } from 'discord.js';
import type { Actor } from '../../runs/answerPolicy.ts';
import type { InboundPerson } from '../inbound/inboundEvent.ts';

type Member = GuildMember | APIInteractionGuildMember | null | undefined;

/** A person acting on Discord, named as the server shows them. */
export function actorOf(user: User, member?: Member): Actor & { platform: 'discord' } {
  const name = member instanceof GuildMember ? member.displayName : (member?.nick ?? user.globalName ?? user.username);
  return { platform: 'discord', userId: user.id, name };
}

/** The same person with the roles the event carried, so approver roles need no lookup. */
export function personOf(user: User, member?: Member): InboundPerson {
  return { ...actorOf(user, member), ...(member ? { roles: rolesOf(member) } : {}) };
}

/** The member's role ids (an interaction may carry the raw member when the guild is not cached). */
export function rolesOf(member: Member): string[] {
  if (!member) return [];
  return member instanceof GuildMember ? [...member.roles.cache.keys()] : [...member.roles];
}
