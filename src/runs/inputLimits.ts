/** How much text a run may be given: each input, and all of them together (in characters). */
export interface InputLimits {
  maxInputChars: number;
  maxTotalChars: number;
}

/** Generous for a ticket, a brief or a pasted page; far below what would flood every prompt of a crew. */
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxInputChars: 20_000, maxTotalChars: 50_000 };

/** An input (or all of them) is longer than this crewbot accepts; says which and the limit. */
export class InputTooLargeError extends Error {
  override name = 'InputTooLargeError';
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Every surface's kickoff passes here before anything is stored or sent to a model: chat, the
 * terminal, the CLI and webhooks alike.
 */
export function checkInputSizes(inputs: Record<string, string>, limits: InputLimits): void {
  let total = 0;
  for (const [name, value] of Object.entries(inputs)) {
    total += value.length;
    if (value.length > limits.maxInputChars) {
      throw new InputTooLargeError(
        `Input "${name}" is ${count(value.length)} characters; the limit is ${count(limits.maxInputChars)} per input (CREWBOT_MAX_INPUT_CHARS). ` +
          'Shorten it, or put the text somewhere the crew can read it (a URL for fetch_url).',
      );
    }
  }
  if (total > limits.maxTotalChars) {
    throw new InputTooLargeError(
      `The inputs are ${count(total)} characters together; the limit is ${count(limits.maxTotalChars)} for all inputs of a run (CREWBOT_MAX_TOTAL_INPUT_CHARS). Shorten them.`,
    );
  }
}
