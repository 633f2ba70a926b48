import { CrewSettingsError } from '../inbound/accessPolicy.ts';

/** DISCORD_TOKEN or DISCORD_APPLICATION_ID is missing where Discord is needed. */
export class DiscordConfigError extends Error {
  override name = 'DiscordConfigError';
}

/** A crew.yaml `discord:` section that does not validate; the message names the crew and the key. */
export class DiscordSettingsError extends CrewSettingsError {
  override name = 'DiscordSettingsError';
}
