import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, markdownToMrkdwn, splitMrkdwn } from '../../../src/chat/slack/markdown.ts';

describe('Markdown for Slack', () => {
  it('turns headings, emphasis, links, lists and quotes into mrkdwn', () => {
    const markdown = [
      '# Release 2.0',
      'This is **big**, *really* big, and ~~small~~.',
      'See [the guide](https://example.com/guide?a=1&b=2) or <https://example.com/raw>.',
      '- one',
      '  - nested',
      '* [x] done',
      '> quoted',
      '---',
    ].join('\n');
    expect(markdownToMrkdwn(markdown).split('\n')).toEqual([
      '*Release 2.0*',
      'This is *big*, _really_ big, and ~small~.',
      'See <https://example.com/guide?a=1&amp;b=2|the guide (example.com)> or <https://example.com/raw>.',
      '• one',
      '    • nested',
      '☑ done',
      '&gt; quoted',
      '──────────',
    ]);
  });

  it('keeps code as it is (escaped), without the language tag, and tables in a code block', () => {
    const markdown = ['```ts', 'const a = b && c < d; // **not bold**', '```', 'Use `x <y>` here.', '| a | b |', '|---|---|', '| 1 | 2 |'].join('\n');
    expect(markdownToMrkdwn(markdown).split('\n')).toEqual([
      '```',
      'const a = b &amp;&amp; c &lt; d; // **not bold**',
      '```',
      'Use `x &lt;y&gt;` here.',
      '```',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '```',
    ]);
  });

  it('never lets agent text mention, broadcast or link where it should not', () => {
    const text = markdownToMrkdwn('Hey <!channel> and <!here|here>, @everyone, <@U123> and <#C123>: [click](javascript:alert(1)) [x](slack://open)');
    expect(text).not.toMatch(/<!|<@|<#|<javascript|<slack/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('@\u2060everyone');
    expect(text).toContain('click (javascript:alert(1))');
    expect(escapeMrkdwn('a & b <@U1> @here')).toBe('a &amp; b &lt;@U1&gt; @\u2060here');
  });

  it('shows where a link leads next to a label that hides it, and drops bidi overrides', () => {
    const text = markdownToMrkdwn(
      'Read [innocent](https://evil.example/steal), [https://bank.example](https://evil.example/login), ' +
        '[docs.example](https://docs.example/) and [https://docs.example](https://docs.example). ' +
        'Open invoice\u202Efdp.exe\u202C now [pay\u2066here\u2069](https://xn--bnk-sla.example/pay)',
    );
    expect(text).toContain('<https://evil.example/steal|innocent (evil.example)>');
    expect(text).toContain('<https://evil.example/login|https://bank.example (evil.example)>');
    expect(text).toContain('<https://docs.example/|docs.example>');
    expect(text).toContain('<https://docs.example|https://docs.example>');
    expect(text).toContain('invoicefdp.exe now');
    expect(text).toContain('|payhere (xn--bnk-sla.example)>');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(escapeMrkdwn('name\u202Egnp.js')).toBe('namegnp.js');
  });

  it('splits long text at line ends within the limit, and joined again it is the same text', () => {
    const text = Array.from({ length: 300 }, (_, i) => `Line ${i}: ${'word '.repeat(i % 17)}`).join('\n');
    const pieces = splitMrkdwn(text, 500);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.every((piece) => piece.length <= 500)).toBe(true);
    expect(pieces.join('')).toBe(text);
    expect(pieces.slice(0, -1).every((piece) => piece.endsWith('\n'))).toBe(true);
  });

  it('cuts a line longer than the limit, at a space where there is one', () => {
    const line = 'lorem ipsum dolor '.repeat(100);
    const pieces = splitMrkdwn(line, 200);
    expect(pieces.every((piece) => piece.length <= 200)).toBe(true);
    expect(pieces.join('')).toBe(line);
  });

  it('closes and reopens a code block cut in two, so each piece renders on its own', () => {
    const code = ['```', ...Array.from({ length: 60 }, (_, i) => `console.log(${i});`), '```', 'after'].join('\n');
    const pieces = splitMrkdwn(code, 400);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(400);
      expect((piece.match(/^```$/gm) ?? []).length % 2).toBe(0);
    }
    expect(pieces.join('').replace(/\n```\n?```\n/g, '\n')).toBe(code);
  });
});
