import type { InboundReply, KickoffReply, Notice } from '../inbound/inboundReply.ts';
import { renderProgressText } from '../progressView.ts';
import { consoleThread } from '../threadRef.ts';
import { randomUUID } from 'node:crypto';
import type { ConsoleContext } from './context.ts';
import { terminalText } from './consoleRenderer.ts';

/**
 * The way back to the person at the terminal: a line under the prompt. The last notice is kept,
 * so the session knows whether to ask again (a reply that did not fit) or go on.
 */
export function consoleReply(ctx: ConsoleContext): InboundReply & { last: Notice | undefined } {
  const reply = {
    last: undefined as Notice | undefined,
    tell: async (notice: Notice) => {
      reply.last = notice;
      ctx.say(`  ${terminalText(notice.text)}`);
    },
    askForText: async () => {
      // Typed text is the answer at the terminal; a form is never needed.
      ctx.say('  Type your answer.');
    },
    showStatus: async ({ view }: Parameters<InboundReply['showStatus']>[0]) => {
      ctx.say(terminalText(renderProgressText(view, Date.now())));
    },
  };
  return reply;
}

/** A kickoff typed at the prompt: missing inputs are asked for one by one, and the run gets a terminal thread of its own. */
export function consoleKickoffReply(ctx: ConsoleContext, askInput: (name: string) => Promise<string>): KickoffReply & { last: Notice | undefined } {
  const reply = consoleReply(ctx);
  return Object.assign(reply, {
    askForInputs: async ({ missing }: { missing: string[] }) => {
      const values: Record<string, string> = {};
      for (const name of missing) values[name] = await askInput(name);
      return values;
    },
    // The run id is chosen by the store, so the thread is named by a kickoff id of its own.
    openThread: async () => consoleThread(randomUUID()),
  });
}
