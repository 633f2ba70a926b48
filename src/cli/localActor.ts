import os from 'node:os';
import type { Actor } from '../runs/answerPolicy.ts';

/** The person at this terminal, as runs record who started and who answered. */
export function localActor(platform: 'cli' | 'console' = 'cli'): Actor {
  let name = 'local user';
  try {
    name = os.userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the generic name will do.
  }
  return { platform, userId: name, name };
}
