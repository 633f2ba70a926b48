import type { InboundReply, Notice } from '../inbound/inboundReply.ts';
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
    showStatus: async ({ run }: { run: { id: string; status: string } }) => {
      ctx.say(`  Run ${run.id} is ${run.status.replace('_', ' ')}.`);
    },
  };
  return reply;
}
