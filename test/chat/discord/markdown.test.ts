import { describe, expect, it } from 'vitest';
import { fencesBalanced, splitMarkdown, toDiscordMarkdown } from '../../../src/chat/discord/markdown.ts';

const paragraph = (n: number, size: number) => `Paragraph ${n} ${'word '.repeat(size / 5)}`.trim();

describe('Markdown for Discord', () => {
  it('shows where a masked link leads next to a label that hides it, and drops bidi overrides', () => {
    const text = toDiscordMarkdown(
      'Read [innocent](https://evil.example/steal) and [https://evil.example](https://evil.example) ' +
        'but not `[code](https://x.example)`. Open invoice\u202Efdp.exe\u202C\n```\n[kept](https://y.example)\n```\n',
    );
    expect(text).toContain('[innocent (evil.example)](https://evil.example/steal)');
    expect(text).toContain('[https://evil.example](https://evil.example)');
    expect(text).toContain('`[code](https://x.example)`');
    expect(text).toContain('[kept](https://y.example)');
    expect(text).toContain('invoicefdp.exe');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('leaves text within the limit as one message', () => {
    expect(splitMarkdown('Short answer.\n\nWith two paragraphs.')).toEqual(['Short answer.\n\nWith two paragraphs.']);
  });

  it('splits on paragraph boundaries, every part within 2,000 characters, losing nothing', () => {
    const text = Array.from({ length: 8 }, (_, i) => paragraph(i, 700)).join('\n\n');
    const parts = splitMarkdown(text);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join('')).toBe(text);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      // Each part ends where a paragraph does.
      expect(part === parts.at(-1) || part.endsWith('\n\n')).toBe(true);
    }
  });

  it('never splits inside a code block that fits in a message', () => {
    const code = ['```python', ...Array.from({ length: 40 }, (_, i) => `print(${i})  # line ${i}`), '```'].join('\n');
    const text = `${paragraph(1, 1_500)}\n\n${code}\n\n${paragraph(2, 300)}`;
    const parts = splitMarkdown(text);
    expect(parts.join('')).toBe(text);
    expect(parts.some((part) => part.includes(code))).toBe(true);
    expect(parts.every(fencesBalanced)).toBe(true);
  });

  it('closes and reopens a code block too long for one message, with its language, so each part renders', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `const value${i} = ${i};`);
    const text = ['Intro.', '', '```ts', ...lines, '```', '', 'Outro.'].join('\n');
    const parts = splitMarkdown(text);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2_000);
      expect(fencesBalanced(part)).toBe(true);
    }
    const code = parts.filter((part) => part.includes('const value'));
    expect(code.slice(1).every((part) => part.startsWith('```ts\n'))).toBe(true);
    // Taking out the added fences gives the code back, every line once, in order.
    const shown = parts.join('').match(/const value\d+ = \d+;/g);
    expect(shown).toEqual(lines);
  });

  it('cuts a single overlong line at a space, and closes a fence the text left open', () => {
    const line = 'x'.repeat(10) + ' word'.repeat(700);
    const parts = splitMarkdown(line);
    expect(parts.join('')).toBe(line);
    expect(parts.every((part) => part.length <= 2_000)).toBe(true);
    expect(fencesBalanced('```js\nunclosed')).toBe(false);
    expect(splitMarkdown('```js\nunclosed')).toEqual(['```js\nunclosed\n```']);
  });

  it('turns headings Discord cannot show into bold lines, outside code only', () => {
    expect(toDiscordMarkdown('#### Details\ntext\n```\n#### kept\n```\n## Kept')).toBe('**Details**\ntext\n```\n#### kept\n```\n## Kept');
  });
});
