import type { HumanRequest } from '../../engine/humanRequest.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import type { RequestAction, RequestPrompt } from '../requestPrompt.ts';
import type { StatusContext } from '../threadPort.ts';

/**
 * What the handler tells one person: plain text, rendered in the platform's markup by the surface.
 * refused: not allowed; unclear: nothing fitted or nothing is waiting; failed: something broke.
 */
export interface Notice {
  tone: 'refused' | 'unclear' | 'failed';
  text: string;
}

/**
 * The way back to the person behind one delivery, given by the surface along with the event: an
 * ephemeral message on Slack, an interaction reply or a reply to the message on Discord, a line at
 * the terminal. The handler decides what to say; the port knows how.
 */
export interface InboundReply {
  /** Only that person sees it, where the platform allows. */
  tell(notice: Notice): Promise<void>;
  /** A button whose answer needs text was pressed: ask for it (a modal, a form). */
  askForText(form: { run: RunRecord; request: HumanRequest; prompt: RequestPrompt; action: RequestAction }): Promise<void>;
  /** `status` asked: show where the run stands to that person. */
  showStatus(status: StatusContext): Promise<void>;
}
