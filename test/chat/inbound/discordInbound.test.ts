import path from 'node:path';
import type { FakeInteraction, FakeMessage, FakeUser } from '../../support/fakeDiscord.ts';
import { buttonId, embedTitle, startDiscordHarness } from '../../support/discordHarness.ts';
import { describeInboundContract, type Who } from '../../support/inboundContract.ts';

const CREWS = path.resolve('test/fixtures/discord-crews');

describeInboundContract('Discord (discord.js, fake REST and gateway)', async () => {
  const d = await startDiscordHarness(CREWS);
  const { fake } = d;
  const people: Record<Who, FakeUser> = { requester: fake.users.ada, stranger: fake.users.mallory };
  const threads = new Map<string, string>();
  const acted: Record<Who, { interactions: FakeInteraction[]; messages: FakeMessage[] }> = {
    requester: { interactions: [], messages: [] },
    stranger: { interactions: [], messages: [] },
  };
  return {
    llm: d.runnerHarness.server,
    store: d.runner.store,
    redelivers: true,
    strangersMayStart: false,
    kickOff: async (who, options) => {
      // discord.js drops a message it has seen; a second process connected (a rolling deploy) gets it again.
      const other = options?.twice ? await d.startAnother() : undefined;
      // locked_crew: only Crew starters (Ada is one), only in #ops.
      const mention = fake.postMessage({ author: people[who], channelId: fake.channels.ops.id, content: `<@${fake.bot.id}> locked_crew`, mentions: [fake.bot] });
      acted[who].messages.push(mention);
      await d.traced(mention.id);
      if (other) await d.traced(mention.id, 'duplicate');
      await d.surface.idle();
      await other?.idle();
    },
    askStatus: async (runId, who) => {
      const command = fake.slashCommand({ user: people[who], channelId: threads.get(runId)!, subcommand: 'status' });
      acted[who].interactions.push(command);
      await d.traced(command.id, 'handled');
      const [response] = fake.responsesTo(command);
      const embeds = (response?.body as { data?: { embeds?: Array<{ title?: string; description?: string }> } })?.data?.embeds ?? [];
      return embeds.map((embed) => `${embed.title ?? ''}\n${embed.description ?? ''}`).join('\n');
    },
    startReview: async () => {
      const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> review_crew 2.0`, mentions: [fake.bot] });
      await d.traced(mention.id, 'handled');
      await d.surface.idle();
      const runId = (await d.runner.store.runForThread({ platform: 'discord', id: `discord:${fake.guildId}:${mention.id}` }))!;
      threads.set(runId, mention.id);
      return runId;
    },
    pressApprove: async (runId, who, options) => {
      const request = fake.messagesIn(threads.get(runId)!).findLast((message) => embedTitle(message).startsWith('Review the draft'))!;
      const press = fake.clickButton({ user: people[who], message: request, customId: buttonId(request, 'Approve') });
      acted[who].interactions.push(press);
      await d.traced(press.id);
      if (options?.twice) {
        fake.redeliverInteraction(press);
        await d.traced(press.id, 'duplicate');
      }
      await d.surface.idle();
    },
    reply: async (runId, text, who) => {
      const message = fake.postMessage({ author: people[who], channelId: threads.get(runId)!, content: text });
      acted[who].messages.push(message);
      await d.traced(message.id);
      await d.surface.idle();
    },
    told: async (who) => [
      ...acted[who].interactions.flatMap((interaction) => fake.responsesTo(interaction).map((call) => String((call.body as { data?: { content?: string } })?.data?.content ?? ''))),
      ...[...fake.messages.values()]
        .filter((message) => message.author.id === fake.bot.id && acted[who].messages.some((mine) => mine.id === message.message_reference?.message_id))
        .map((message) => message.content),
    ].filter((text) => text !== ''),
    settle: () => d.surface.idle(),
    close: () => d.close(),
  };
});
