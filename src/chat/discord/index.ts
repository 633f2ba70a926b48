export { startDiscord, type DiscordSurface, type StartDiscordOptions } from './app.ts';
export { registerDiscordCommands, crewCommand, type RegisteredCommands } from './commands.ts';
export { DiscordAccess, discordSettings, DiscordSettingsSchema, type DiscordSettings } from './policy.ts';
export { DiscordThreadPort, discordRest } from './threadPort.ts';
export { discordThread } from './thread.ts';
export { DiscordConfigError, DiscordSettingsError } from './errors.ts';
export type { DiscordTrace } from './context.ts';
