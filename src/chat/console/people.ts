import os from 'node:os';
import type { InboundPerson } from '../inbound/inboundEvent.ts';

/** The person at this terminal, by their login name. */
export function consoleActor(): InboundPerson {
  let name = 'local user';
  try {
    name = os.userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the generic name will do.
  }
  return { platform: 'console', userId: name, name };
}
