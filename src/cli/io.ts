import { terminalText } from '../terminalText.ts';

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

/**
 * The command's output as a terminal should get it: control sequences stripped from everything a
 * person reads, while `--json` output on stdout stays byte for byte what was stored.
 */
export function terminalSafe(io: CliIo, exactStdout: boolean): CliIo {
  return {
    out: exactStdout ? io.out : (text) => io.out(terminalText(text)),
    err: (text) => io.err(terminalText(text)),
    interactive: io.interactive,
  };
}
