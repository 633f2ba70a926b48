/** Where a command writes: stdout carries results (the JSON contract), stderr carries people's text. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (live redraws) or a log (plain lines). */
  interactive: boolean;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
