import type { Runner } from '../../runs/runner.ts';
import type { Runtime } from '../../runtime.ts';
import { startThreadOutbound } from '../threadOutbound.ts';
import { DiscordThreadPort } from './threadPort.ts';

/** Discord's outgoing half for a fleet worker: posts into Discord threads over REST with the bot token only — no gateway. */
export function startDiscordOutbound(runtime: Runtime, runner: Runner, warn: (text: string) => void): () => Promise<void> {
  return startThreadOutbound(runtime, runner, DiscordThreadPort.fromConfig(runtime.config, { editEveryMs: 1_000 }), { statusEveryMs: 1_500, warn });
}
