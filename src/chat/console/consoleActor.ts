import os from 'node:os';
import type { Actor } from '../../runs/answerPolicy.ts';

/** The person at this terminal, by their login name. */
export function consoleActor(): Actor {
  let name = 'local user';
  try {
    name = os.userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the generic name will do.
  }
  return { platform: 'console', userId: name, name };
}
