import { CrewFileError, CrewNotFoundError } from '../../crews/errors.ts';
import type { LoadedCrew } from '../../crews/loadCrew.ts';
import { Crew } from '../../engine/crew.ts';
import { MissingInputError, errorMessage } from '../../engine/errors.ts';
import { InputTooLargeError } from '../../runs/inputLimits.ts';
import type { Requester } from '../../runs/runRecord.ts';
import { describeCrewInputs, KickoffTextError, parseKickoffText } from '../kickoffText.ts';
import { helpText, inputsModal, rootMessage, type SlackMessage } from './cards.ts';
import { UnknownCrewError } from './crewCatalog.ts';
import type { EphemeralTarget } from './ephemeral.ts';
import { escapeMrkdwn } from './markdown.ts';
import { SlackSettingsError } from './errors.ts';
import { slackPerson } from './people.ts';
import type { SlackContext } from './context.ts';
import { slackThread } from './thread.ts';
import { slackErrorCode } from './types.ts';

/** Where a kickoff came from and where its run goes. */
export interface KickoffPlace {
  channel: string;
  /** The run goes into this thread (a mention's); without it a root message starts one (/crew). */
  threadTs?: string | undefined;
  /** The kickoff was written inside a thread, so replies to the person go there too. */
  inThread?: boolean | undefined;
  responseUrl?: string | undefined;
}

export interface KickoffPerson {
  userId: string;
  name?: string | undefined;
}

function target(place: KickoffPlace, by: KickoffPerson): EphemeralTarget {
  return { channel: place.channel, user: by.userId, threadTs: place.inThread ? place.threadTs : undefined, responseUrl: place.responseUrl };
}

/** `/crew help`, `@crewbot help`: every crew and its inputs, to the person who asked. */
export async function showHelp(ctx: SlackContext, place: KickoffPlace, by: KickoffPerson): Promise<void> {
  await ctx.tell(target(place, by), helpText(await ctx.crews.list()));
}

/**
 * "<crew> free text | key=value …" from a command, a mention or a DM. Bad text is answered with
 * usage; required inputs left out open a form when Slack gave a trigger_id (a command), and are
 * asked for in words otherwise.
 */
export async function kickOffFromText(
  ctx: SlackContext,
  text: string,
  by: KickoffPerson,
  place: KickoffPlace,
  options: { idempotencyKey: string; triggerId?: string | undefined },
): Promise<void> {
  const crews = (await ctx.crews.list()).filter((crew) => !crew.error);
  let parsed;
  try {
    parsed = parseKickoffText(text, crews);
  } catch (error) {
    if (!(error instanceof KickoffTextError)) throw error;
    await ctx.tell(target(place, by), usageReply(error.message));
    return;
  }
  if (parsed.missing.length === 0) {
    await startRun(ctx, { crew: parsed.crew, inputs: parsed.inputs, by, place, idempotencyKey: options.idempotencyKey });
    return;
  }
  const listing = crews.find((crew) => crew.name === parsed.crew)!;
  if (!options.triggerId) {
    const missing = parsed.missing.join(', ');
    await ctx.tell(target(place, by), usageReply(`${parsed.crew} needs ${missing}.\n${describeCrewInputs(listing)}`, `Or run /crew ${parsed.crew} to fill them in a form.`));
    return;
  }
  const loaded = await loadOrTell(ctx, parsed.crew, place, by);
  if (!loaded || !(await allowedToStart(ctx, loaded, place, by))) return;
  await ctx.client.views.open({
    trigger_id: options.triggerId,
    view: inputsModal(listing, parsed.inputs, { crew: parsed.crew, channel: place.channel, ...(place.threadTs ? { threadTs: place.threadTs } : {}) }),
  });
}

/**
 * Starts a crew by name: checks who may start it where, checks its inputs, posts the root message
 * (unless the run goes into an existing thread) and kicks the run off in that thread.
 */
export async function startRun(
  ctx: SlackContext,
  request: { crew: string; inputs: Record<string, string>; by: KickoffPerson; place: KickoffPlace; idempotencyKey: string },
): Promise<void> {
  const { by, place } = request;
  const loaded = await loadOrTell(ctx, request.crew, place, by);
  if (!loaded || !(await allowedToStart(ctx, loaded, place, by))) return;
  try {
    ctx.runner.checkInputs(request.inputs);
  } catch (error) {
    if (!(error instanceof InputTooLargeError)) throw error;
    await ctx.tell(target(place, by), `:warning: ${escapeMrkdwn(error.message)}`);
    return;
  }
  try {
    new Crew(loaded.spec).resolveInputs(request.inputs);
  } catch (error) {
    if (!(error instanceof MissingInputError)) throw error;
    await ctx.tell(target(place, by), usageReply(`${loaded.spec.name} needs ${error.missing.join(', ')}.\n${describeCrewInputs({ name: loaded.spec.name, inputs: loaded.inputs })}`));
    return;
  }
  const requester: Requester = { platform: 'slack', userId: by.userId, ...(by.name ? { name: by.name } : {}) };
  let threadTs = place.threadTs;
  if (!threadTs) {
    threadTs = await postRoot(ctx, rootMessage(loaded.spec.name, requester, request.inputs), place, by);
    if (!threadTs) return;
  }
  const thread = slackThread(place.channel, threadTs);
  try {
    await ctx.runner.kickoff({ crew: loaded.spec.name, inputs: request.inputs, requester, thread, idempotencyKey: `slack:${request.idempotencyKey}` });
  } catch (error) {
    await ctx.port.postNotice(thread, `The run could not start: ${errorMessage(error)}`);
  }
}

/** The message in the channel whose thread the run works in; undefined (and the person told) when the bot may not post there. */
async function postRoot(ctx: SlackContext, root: SlackMessage, place: KickoffPlace, by: KickoffPerson): Promise<string | undefined> {
  try {
    const posted = await ctx.client.chat.postMessage({ channel: place.channel, text: root.text, blocks: root.blocks, unfurl_links: false });
    if (!posted.ts) throw new Error(`Slack did not return the ts of the root message in ${place.channel}.`);
    return posted.ts;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code !== 'not_in_channel' && code !== 'channel_not_found') throw error;
    await ctx.tell(target(place, by), ':wave: I am not in this conversation, so nothing started. Invite me first (`/invite @crewbot`), or mention me where I am.');
    return undefined;
  }
}

async function loadOrTell(ctx: SlackContext, crew: string, place: KickoffPlace, by: KickoffPerson): Promise<LoadedCrew | undefined> {
  try {
    return await ctx.crews.load(crew);
  } catch (error) {
    if (!(error instanceof UnknownCrewError || error instanceof CrewNotFoundError || error instanceof CrewFileError)) throw error;
    await ctx.tell(target(place, by), `:warning: ${escapeMrkdwn(error.message)}`);
    return undefined;
  }
}

async function allowedToStart(ctx: SlackContext, crew: LoadedCrew, place: KickoffPlace, by: KickoffPerson): Promise<boolean> {
  try {
    const decision = await ctx.access.mayKickOff(crew, slackPerson(by.userId, by.name), { channel: place.channel, direct: place.channel.startsWith('D') });
    if (decision.allowed) return true;
    await ctx.tell(target(place, by), `:no_entry: Not allowed. ${decision.reason}`);
    return false;
  } catch (error) {
    if (!(error instanceof SlackSettingsError)) throw error;
    await ctx.tell(target(place, by), `:warning: ${escapeMrkdwn(crew.spec.name)} cannot be started from Slack until its crew.yaml is fixed:\n${escapeMrkdwn(error.message)}`);
    return false;
  }
}

function usageReply(message: string, hint?: string): string {
  return `:grey_question: Nothing started.\n\`\`\`\n${escapeMrkdwn(message)}\n\`\`\`${hint ? `\n${escapeMrkdwn(hint)}` : ''}`;
}
