import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Config } from '../../config.ts';
import type { DiscordContext } from './context.ts';
import { register as registerInteractions } from './listeners/interactions/index.ts';
import { register as registerMessages } from './listeners/messages/index.ts';
import { NO_MENTIONS } from './markdown.ts';

/** Logs in and waits for READY and the guilds, so channels and roles are known before events arrive. */
export async function connect(config: Config, messageContent: boolean): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, ...(messageContent ? [GatewayIntentBits.MessageContent] : [])],
    rest: config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {},
    allowedMentions: NO_MENTIONS,
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.DISCORD_TOKEN);
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  }
  return client;
}

/** Every listener, grouped by what triggers it (listeners/<trigger>/index.ts). */
export function registerListeners(client: Client, ctx: DiscordContext): void {
  registerMessages(client, ctx);
  registerInteractions(client, ctx);
}
