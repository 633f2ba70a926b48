import { withoutBidiControls } from '../bidiControls.ts';
import { hiddenDestination } from '../linkLabel.ts';

/**
 * Markdown (what agents write) → Slack mrkdwn. Agent text is untrusted: `&`, `<` and `>` are
 * always escaped, so it can never form a mention, a channel link or a `<!here>`; the words
 * @channel, @here and @everyone are broken with an invisible joiner for good measure.
 */

const BROADCAST = /@(channel|here|everyone)\b/gi;
const WORD_JOINER = '\u2060';
const BOLD_MARK = '\u0001';

/** Plain untrusted text (inputs, names, error messages) made safe to place inside mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return withoutBidiControls(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, `@${WORD_JOINER}$1`);
}

/**
 * Untrusted text for Slack's Markdown (streamed text, plan cards): it stays Markdown, but can never
 * form a mention, a channel link or a broadcast, and carries no bidi tricks.
 */
export function defangMarkdown(text: string): string {
  return withoutBidiControls(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/<([!@#])/g, `<${WORD_JOINER}$1`)
    .replace(BROADCAST, `@${WORD_JOINER}$1`);
}

/** How much of the end of streamed text could still become a mention once more text arrives. */
export function unsettledTail(text: string): number {
  const match = /(<[!@#]?|@[a-z]{0,7})$/i.exec(text);
  return match ? match[0].length : 0;
}

const FENCE = /^\s*(```|~~~)/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

export function markdownToMrkdwn(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const opened = FENCE.exec(line);
    if (fence !== undefined) {
      if (opened && opened[1] === fence && line.trim() === fence) {
        fence = undefined;
        out.push('```');
      } else {
        out.push(escapeMrkdwn(line));
      }
      continue;
    }
    if (opened) {
      // The language tag means nothing to Slack and would show as the first line.
      fence = opened[1];
      out.push('```');
      continue;
    }
    if (line.trim().startsWith('|') && TABLE_SEPARATOR.test(lines[i + 1] ?? '')) {
      // Slack has no tables; a code block keeps the columns lined up.
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.trim().startsWith('|')) rows.push(escapeMrkdwn(lines[i++]!.trim()));
      i -= 1;
      out.push('```', ...rows, '```');
      continue;
    }
    out.push(convertLine(line));
  }
  if (fence !== undefined) out.push('```');
  return out.join('\n');
}

function convertLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return `*${inline(heading[1]!.replace(/\*\*|__/g, ''))}*`;
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return '──────────';
  const task = /^(\s*)[-*+]\s+\[([ xX])\]\s+(.*)$/.exec(line);
  if (task) return `${indent(task[1]!)}${task[2] === ' ' ? '☐' : '☑'} ${inline(task[3]!)}`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${indent(bullet[1]!)}• ${inline(bullet[2]!)}`;
  const quote = /^\s*>\s?(.*)$/.exec(line);
  if (quote) return `&gt; ${inline(quote[1]!)}`;
  return inline(line);
}

function indent(spaces: string): string {
  return '    '.repeat(Math.floor(spaces.replace(/\t/g, '    ').length / 2));
}

/** Inline code stays as it is (escaped); everything else gets links and emphasis converted. */
function inline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, index) => (index % 2 === 1 ? escapeMrkdwn(part) : emphasis(links(escapeMrkdwn(part.replaceAll(BOLD_MARK, ''))))))
    .join('');
}

function links(escaped: string): string {
  return escaped
    .replace(/!?\[([^\]\n]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_match, label: string, url: string) =>
      safeUrl(url) ? `<${url.replace(/\|/g, '%7C')}|${withDestination(label, url).replace(/\|/g, '¦')}>` : `${label} (${url})`,
    )
    .replace(/&lt;(https?:\/\/[^\s|]+?)&gt;/g, (_match, url: string) => `<${url}>`);
}

/** The (escaped) label, with where the link leads when the label does not say. */
function withDestination(label: string, url: string): string {
  const destination = hiddenDestination(unescapeMrkdwn(label), unescapeMrkdwn(url));
  return destination === undefined ? label : `${label} (${escapeMrkdwn(destination)})`;
}

/** Text as the agent wrote it (what reaches links() is already escaped). */
function unescapeMrkdwn(escaped: string): string {
  return escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Only web and mail links become links; anything else (javascript:, slack:) stays visible text. */
function safeUrl(url: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(url);
}

function emphasis(text: string): string {
  return text
    .replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, `${BOLD_MARK}$1${BOLD_MARK}`)
    .replace(/__(?=\S)([^\n]*?\S)__/g, `${BOLD_MARK}$1${BOLD_MARK}`)
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*\n]*?[^\s*])?\*(?![\w*])/g, (_match, before: string, body: string | undefined) => `${before}_${body ?? ''}_`)
    .replace(/~~(?=\S)([^\n]*?\S)~~/g, '~$1~')
    .replaceAll(BOLD_MARK, '*');
}

/**
 * Splits mrkdwn into pieces of at most `limit` characters, at line ends where it can. Joined
 * together the pieces are the text again, except that a code block cut in two is closed at the
 * end of one piece and reopened at the start of the next, so each piece renders on its own.
 */
export function splitMrkdwn(text: string, limit: number): string[] {
  const room = limit - 4; // space for a closing or reopening fence
  if (room < 16) throw new RangeError(`splitMrkdwn needs a limit of at least 20, not ${limit}`);
  const pieces: string[] = [];
  let current = '';
  let inFence = false;
  const flush = () => {
    if (current === '') return;
    pieces.push(inFence ? `${current}${current.endsWith('\n') ? '' : '\n'}\`\`\`` : current);
    current = inFence ? '```\n' : '';
  };
  for (const line of text.split(/(?<=\n)/)) {
    const isFence = /^\s*```/.test(line);
    // A closing fence may use the space kept for it.
    const space = isFence && inFence ? limit : room;
    let rest = line;
    while (current.length + rest.length > space) {
      if (current !== '' && current !== '```\n') {
        flush();
        continue;
      }
      const take = cutPoint(rest, room - current.length);
      current += rest.slice(0, take);
      rest = rest.slice(take);
      flush();
    }
    current += rest;
    if (isFence) inFence = !inFence;
  }
  if (current !== '' && current !== '```\n') pieces.push(current);
  return pieces;
}

/** Where to cut a line too long for the space left: after the last space if there is one. */
function cutPoint(line: string, space: number): number {
  const window = line.slice(0, Math.max(1, space));
  const lastSpace = window.lastIndexOf(' ');
  return lastSpace > space / 2 ? lastSpace + 1 : window.length;
}
