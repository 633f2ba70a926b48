/**
 * Discord limits message edits per channel, so one channel's edits go out at least `everyMs`
 * apart, in the order they were asked for: delayed, never dropped. Callers coalesce, so a
 * delayed edit sends the latest text.
 */
export class EditPace {
  /** When each channel's next edit may go out. */
  readonly #next = new Map<string, number>();

  constructor(
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when this channel's turn to edit has come. */
  async turn(channel: string): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.#next.get(channel) ?? 0);
    this.#next.set(channel, at + this.everyMs);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
