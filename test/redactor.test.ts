import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../src/redactor.ts';

const KEY = 'sk-proj-Ab3/def+GHI=jk l~m';

describe('Redactor: a key echoed back in any spelling is never shown', () => {
  const redactor = new Redactor([KEY, 'xoxb-1234-5678-slackbot', undefined, 'short']);
  const basic = (secret: string) => Buffer.from(`api:${secret}`).toString('base64');

  it.each([
    ['raw', `Incorrect API key provided: ${KEY}.`],
    ['in a Bearer header', `echo: Authorization: Bearer ${KEY}`],
    ['URL-encoded', `GET /v1?key=${encodeURIComponent(KEY)} failed`],
    ['URL-encoded with lower-case hex', `key=${encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}`],
    ['form-encoded (+ for a space)', `key=${encodeURIComponent(KEY).replace(/%20/g, '+')}`],
    ['fully percent-encoded', `key=${[...Buffer.from(KEY)].map((byte) => `%${byte.toString(16)}`).join('')}`],
    ['base64', `token ${Buffer.from(KEY).toString('base64')} rejected`],
    ['base64url', `token ${Buffer.from(KEY).toString('base64url')} rejected`],
    ['base64 inside a Basic credential (offset 1)', `Authorization: Basic ${basic(KEY)}`],
    ['base64 at offset 2', `blob ${Buffer.from(`ab${KEY}`).toString('base64')}`],
  ])('removes a key given %s', (_form, text) => {
    const shown = redactor.redact(text);
    expect(shown).toContain(REDACTED);
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain(encodeURIComponent(KEY));
  });

  it('leaves text without secrets, and values too short to be secrets, alone', () => {
    expect(redactor.redact('a short answer about api keys')).toBe('a short answer about api keys');
  });

  it('redacts every string inside a stored value, and takes secrets learned later', () => {
    redactor.add('mcp-header-value-42');
    const event = { type: 'tool_usage_error', error: `401 for token mcp-header-value-42 and ${KEY}`, nested: [{ at: 1, text: 'xoxb-1234-5678-slackbot' }] };
    expect(redactor.redactValue(event)).toEqual({ type: 'tool_usage_error', error: `401 for token ${REDACTED} and ${REDACTED}`, nested: [{ at: 1, text: REDACTED }] });
    expect(event.error).toContain(KEY);
  });
});

describe('Redactor: a key written in pieces, as a model streams it', () => {
  const redactor = new Redactor([KEY]);
  const inPieces = (text: string, size: number) => {
    const stream = redactor.streamed();
    const shown: string[] = [];
    for (let at = 0; at < text.length; at += size) shown.push(stream.push(text.slice(at, at + size)));
    shown.push(stream.end());
    return shown;
  };

  it.each([1, 2, 3, 7])('never shows a key split into pieces of %i characters, raw or in base64', (size) => {
    const encoded = Buffer.from(`api:${KEY}`).toString('base64');
    const shown = inPieces(`Use ${KEY} here, or ${encoded} there.`, size);
    expect(shown.join('')).not.toContain(KEY);
    expect(shown.join('')).not.toContain(encoded.slice(8, 24));
    expect(shown.join('')).toMatch(/^Use \[redacted\] here, or .*\[redacted\].* there\.$/);
  });

  it('passes ordinary text on at once, holding back only an ending that could start a key', () => {
    const stream = redactor.streamed();
    expect(stream.push('Tides rise ')).toBe('Tides rise ');
    expect(stream.push('and fall. sk-pr')).toBe('and fall. ');
    // The last "s" could still begin a key: it waits for what follows.
    expect(stream.push('ogress')).toBe('sk-progres');
    expect(stream.end()).toBe('s');
  });
});
