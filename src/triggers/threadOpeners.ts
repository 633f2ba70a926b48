import type { Config } from '../config.ts';
import type { ThreadOpeners } from './fireTrigger.ts';

/**
 * Thread openers for `post_to`, over each platform's Web/REST API only (a bot token, no gateway
 * or signing secret), loaded only for the platforms whose tokens are set.
 */
export async function threadOpeners(config: Config): Promise<ThreadOpeners> {
  const openers: ThreadOpeners = {};
  if (config.SLACK_BOT_TOKEN) {
    const { SlackThreadPort, createSlackWebClient } = await import('../chat/slack/index.ts');
    const port = new SlackThreadPort({ client: createSlackWebClient(config) });
    openers.slack = (channel, text) => port.openThread(channel, text);
  }
  if (config.DISCORD_TOKEN) {
    const { DiscordThreadPort } = await import('../chat/discord/discordThreadPort.ts');
    const port = DiscordThreadPort.fromConfig(config);
    openers.discord = (channel, text) => port.openThread(channel, text);
  }
  return openers;
}
