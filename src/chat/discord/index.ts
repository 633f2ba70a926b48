export { startDiscord, type DiscordSurface, type StartDiscordOptions } from './app.ts';
export { registerDiscordCommands, crewCommand, type RegisteredCommands } from './commands.ts';
export { discordAnswerPolicy, discordSettings, DiscordSettingsSchema, type DiscordSettings } from './policy.ts';
export { DiscordThreadPort, discordRest } from './discordThreadPort.ts';
export { discordThread } from './discordThread.ts';
export { DiscordConfigError, DiscordSettingsError } from './errors.ts';
export type { DiscordTrace } from './discordContext.ts';
