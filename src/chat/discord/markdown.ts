import { withoutBidiControls } from '../bidiControls.ts';
import { hiddenDestination } from '../linkLabel.ts';

/** Discord's limit on a message's content, in characters. */
export const MESSAGE_LIMIT = 2_000;

/**
 * Sent with every message: agent output, tool results and people's words are untrusted, so nothing
 * we post may ping @everyone, @here, a role or a user unless we name them ourselves.
 */
export const NO_MENTIONS: { parse: [] } = { parse: [] };

interface Segment {
  text: string;
  /** Set for a fenced code block: its opening line (with newline) and the marker that closes it. */
  fence?: { open: string; marker: string; closed: boolean } | undefined;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([^`]*)$/;

/**
 * Markdown as Discord renders it: headings go to level 3, so deeper ones become bold lines.
 * Code blocks are left exactly as written.
 */
export function toDiscordMarkdown(markdown: string): string {
  return segmentsOf(withoutBidiControls(markdown))
    .map((segment) => (segment.fence ? segment.text : labelledLinks(segment.text.replace(/^ {0,3}#{4,6}[ \t]+(.+?)[ \t#]*$/gm, '**$1**'))))
    .join('');
}

/** Escapes Markdown syntax in a short label (a crew or task name) so it shows as written. */
export function escapeMarkdown(text: string): string {
  return withoutBidiControls(text).replace(/[\\*_~`|>#[\]()-]/g, '\\$&');
}

/** Masked links outside inline code get their destination next to a label that does not say it. */
function labelledLinks(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part.replace(/\[([^\]\n]+)\]\(<?([^)\s>]+)>?((?:\s+"[^"]*")?)\)/g, (whole, label: string, url: string, title: string) => {
            const destination = hiddenDestination(label, url);
            return destination === undefined ? whole : `[${label} (${escapeMarkdown(destination)})](${url}${title})`;
          }),
    )
    .join('');
}

/**
 * Splits Markdown into messages of at most `limit` characters, on paragraph boundaries where it
 * can, and never inside a code fence unless the block alone is too long: then each part is closed
 * and the next reopened with the same fence, so every message renders on its own. Otherwise the
 * parts joined are exactly the input.
 */
export function splitMarkdown(markdown: string, limit: number = MESSAGE_LIMIT): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const found of segmentsOf(markdown)) {
    // A fence left open runs to the end of the text; it is closed so the last message renders.
    const segment = found.fence && !found.fence.closed ? closeOpenFence(found) : found;
    if (current.length + segment.text.length <= limit) {
      current += segment.text;
      continue;
    }
    if (current) chunks.push(current);
    current = '';
    if (segment.text.length <= limit) {
      current = segment.text;
      continue;
    }
    const pieces = segment.fence ? splitFence(segment.text, segment.fence, limit) : splitProse(segment.text, limit);
    chunks.push(...pieces.slice(0, -1));
    current = pieces[pieces.length - 1] ?? '';
  }
  if (current) chunks.push(current);
  return chunks;
}

function closeOpenFence(segment: Segment): Segment {
  if (!segment.fence) return segment;
  const text = `${segment.text}${segment.text.endsWith('\n') ? '' : '\n'}${segment.fence.marker}`;
  return { text, fence: { ...segment.fence, closed: true } };
}

/** True when every fence opened in the text is closed again. */
export function fencesBalanced(markdown: string): boolean {
  return segmentsOf(markdown).every((segment) => !segment.fence || segment.fence.closed);
}

/** Paragraphs (with the blank lines after them) and fenced code blocks, in order; joined they are the input. */
function segmentsOf(markdown: string): Segment[] {
  const lines = markdown.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const segments: Segment[] = [];
  let paragraph = '';
  const flush = () => {
    if (paragraph) segments.push({ text: paragraph });
    paragraph = '';
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const open = FENCE_OPEN.exec(line.replace(/\n$/, ''));
    if (open) {
      flush();
      const marker = open[1]!;
      let text = line;
      let closed = false;
      while (i + 1 < lines.length) {
        i += 1;
        const inner = lines[i]!;
        text += inner;
        if (closesFence(inner, marker)) {
          closed = true;
          break;
        }
      }
      segments.push({ text, fence: { open: line.endsWith('\n') ? line : `${line}\n`, marker, closed } });
      continue;
    }
    paragraph += line;
    if (line.trim() === '') {
      // A blank line ends a paragraph; further blank lines stay with it.
      const next = lines[i + 1];
      if (next === undefined || next.trim() !== '') flush();
    }
  }
  flush();
  return segments;
}

function closesFence(line: string, marker: string): boolean {
  const trimmed = line.replace(/\n$/, '');
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(trimmed);
  return !!match && match[1]![0] === marker[0] && match[1]!.length >= marker.length;
}

/** Long prose: at the last line break that fits, else the last space, else a hard cut. */
function splitProse(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = window.lastIndexOf('\n') + 1;
    if (cut < limit / 2) {
      const space = window.lastIndexOf(' ') + 1;
      cut = space >= limit / 2 ? space : limit;
    }
    // Never split a surrogate pair (an emoji) in two.
    if (cut === limit && /[\uD800-\uDBFF]/.test(rest[cut - 1]!)) cut -= 1;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** A code block longer than a message: split by lines, each part closed and the next reopened. */
function splitFence(text: string, fence: NonNullable<Segment['fence']>, limit: number): string[] {
  const inner = text.slice(fence.open.length);
  const closing = fence.closed ? inner.slice(lastLineStart(inner)) : `${fence.marker}\n`;
  const close = `${fence.marker}\n`;
  const budget = limit - fence.open.length - Math.max(close.length, closing.length) - 1;
  if (budget < limit / 4) return splitProse(text, limit);
  const body = fence.closed ? inner.slice(0, inner.length - closing.length) : inner;
  const parts = splitProse(body, budget);
  return parts.map((part, index) => {
    const ended = part.endsWith('\n') ? part : `${part}\n`;
    return `${fence.open}${ended}${index === parts.length - 1 ? closing : close}`;
  });
}

/** Where the last line of the text starts (a trailing newline does not begin a line). */
function lastLineStart(text: string): number {
  const withoutTrailing = text.endsWith('\n') ? text.slice(0, -1) : text;
  return withoutTrailing.lastIndexOf('\n') + 1;
}
