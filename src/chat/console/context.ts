import type { Writable } from 'node:stream';
import type { CrewSource } from '../inbound/kickoff.ts';
import type { InboundPerson } from '../inbound/inboundEvent.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { Runner } from '../../runs/runner.ts';
import type { InboundHandler } from '../inbound/inboundHandler.ts';
import type { ConsoleInput } from './consoleInput.ts';

/** Where the session finds crews (the Runtime fits). */
export type CrewCatalog = CrewSource;

/** What the parts of a terminal session share. */
export interface ConsoleContext {
  input: ConsoleInput;
  output: Writable;
  isTTY: boolean;
  runner: Runner;
  /** Answers typed at a request's prompt go through the same handler as Slack's and Discord's. */
  inbound: InboundHandler;
  crews: CrewCatalog;
  /** The person at this terminal: requester of the runs started here and author of the answers. */
  actor: InboundPerson;
  /** The run being followed; Ctrl-C or the end of input leaves it resumable and says how to continue. */
  activeRun: RunRecord | undefined;
  say(text: string): void;
}
