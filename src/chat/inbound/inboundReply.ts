import type { HumanRequest } from '../../engine/humanRequest.ts';
import type { CrewListing } from '../../crews/listCrews.ts';
import type { Requester, RunRecord, ThreadRef } from '../../runs/runRecord.ts';
import type { RequestAction, RequestPrompt } from '../requestPrompt.ts';
import type { StatusContext } from '../threadPort.ts';

/**
 * What the handler tells one person: plain text, rendered in the platform's markup by the surface.
 * refused: not allowed; unclear: nothing fitted or nothing is waiting; failed: something broke.
 */
export interface Notice {
  /** done: what the person asked for happened (a rating kept, a lesson forgotten). */
  tone: 'refused' | 'unclear' | 'failed' | 'done';
  text: string;
  /** The text is in the platform's markup already (an access policy's reason, with its mentions): shown as it is. */
  markup?: boolean | undefined;
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
  /** 👎 pressed on a run's result: ask why (a modal, a form, a prompt); the answer comes back as a `rate` event with its reason. */
  askForReason?(form: { run: RunRecord }): Promise<void>;
  /** `status` asked: show where the run stands to that person. */
  showStatus(status: StatusContext): Promise<void>;
}

/** A crew someone may start here, with the inputs given so far and the required ones nobody gave. */
export interface InputsForm {
  crew: CrewListing;
  given: Record<string, string>;
  missing: string[];
}

/** The run about to start, for the message that opens its thread. */
export interface NewRun {
  crew: string;
  inputs: Record<string, string>;
  requester: Requester;
}

/** The way back to the person behind a kickoff, which may also ask for inputs and open the run's thread. */
export interface KickoffReply extends InboundReply {
  /**
   * Required inputs were left out. A surface with forms opens one ('opened'; its submission is a
   * kickoff of its own); the terminal asks and returns the values; undefined where nothing can ask
   * (a mention), and the handler says what is missing.
   */
  askForInputs(form: InputsForm): Promise<Record<string, string> | 'opened' | undefined>;
  /**
   * Where the run will work: the thread the kickoff was written in, or a new one (a root message,
   * a thread on the message or on the command's reply). Undefined when none can be opened; the
   * person has been told why.
   */
  openThread(run: NewRun): Promise<ThreadRef | undefined>;
}
