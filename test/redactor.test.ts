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
