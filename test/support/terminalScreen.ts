/**
 * What a terminal shows after the bytes written to it: enough of a VT100 to check redrawing
 * (text, CR, LF, backspace, cursor up/down/left/right/column, erase below and erase line). The
 * terminal being a remote-free local device, this stands in for the screen a person looks at.
 */
export class TerminalScreen {
  readonly #rows: string[][] = [[]];
  #row = 0;
  #col = 0;

  write(data: string): void {
    for (let i = 0; i < data.length; i += 1) {
      const ch = data[i]!;
      if (ch === '\u001b' && data[i + 1] === '[') {
        const match = /^\u001b\[(\d*)([A-Za-z])/.exec(data.slice(i));
        if (!match) continue;
        this.#control(match[2]!, match[1] === '' ? undefined : Number(match[1]));
        i += match[0].length - 1;
      } else if (ch === '\r') {
        this.#col = 0;
      } else if (ch === '\n') {
        this.#moveTo(this.#row + 1, 0);
      } else if (ch === '\b') {
        this.#col = Math.max(0, this.#col - 1);
      } else if (ch >= ' ') {
        const line = this.#line();
        while (line.length < this.#col) line.push(' ');
        line[this.#col] = ch;
        this.#col += 1;
      }
    }
  }

  /** The screen's lines, trailing spaces and empty lines at the bottom left out. */
  lines(): string[] {
    const lines = this.#rows.map((row) => row.join('').trimEnd());
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  #control(command: string, n: number | undefined): void {
    switch (command) {
      case 'A':
        this.#row = Math.max(0, this.#row - (n ?? 1));
        break;
      case 'B':
        this.#moveTo(this.#row + (n ?? 1), this.#col);
        break;
      case 'C':
        this.#col += n ?? 1;
        break;
      case 'D':
        this.#col = Math.max(0, this.#col - (n ?? 1));
        break;
      case 'G':
        this.#col = Math.max(0, (n ?? 1) - 1);
        break;
      case 'J':
        // Erase from the cursor to the end of the screen.
        this.#line().length = Math.min(this.#line().length, this.#col);
        this.#rows.length = this.#row + 1;
        break;
      case 'K':
        if ((n ?? 0) === 0) this.#line().length = Math.min(this.#line().length, this.#col);
        else if (n === 2) this.#line().length = 0;
        break;
      default:
        break;
    }
  }

  #moveTo(row: number, col: number): void {
    this.#row = row;
    this.#col = col;
    while (this.#rows.length <= row) this.#rows.push([]);
  }

  #line(): string[] {
    while (this.#rows.length <= this.#row) this.#rows.push([]);
    return this.#rows[this.#row]!;
  }
}
