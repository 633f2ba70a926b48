/** What a secret is replaced with wherever it would be shown or stored. */
export const REDACTED = '[redacted]';

/** Shorter values (a placeholder key, "1") would redact ordinary words, and are no secret worth the name. */
const MIN_SECRET_LENGTH = 8;

/**
 * Removes every secret crewbot knows from text before it is stored, shown, posted or logged. A
 * server may echo a key back in another spelling, so each secret is matched raw, percent-encoded
 * (any mix of encoded and plain characters, hex in either case, `+` for a space) and base64 or
 * base64url encoded at any byte offset (a `Basic user:key` header, a key inside a longer blob).
 * `Bearer <key>` is the raw form after a prefix, so it is matched too.
 */
export class Redactor {
  #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    this.add(...secrets);
  }

  /** More secrets known later (MCP header values, a token read from a file). */
  add(...secrets: Array<string | undefined>): this {
    for (const secret of secrets) {
      const trimmed = secret?.trim();
      if (trimmed && trimmed.length >= MIN_SECRET_LENGTH) this.#secrets.add(trimmed);
    }
    this.#pattern = undefined;
    return this;
  }

  redact(text: string): string {
    const pattern = this.#compiled();
    return pattern ? text.replace(pattern, REDACTED) : text;
  }

  /**
   * Text that arrives in pieces (a model's streamed answer): a secret split across two pieces is
   * still caught, because an ending that could be the start of one (raw or base64) is held back
   * until the next piece or the end shows what it is. Ordinary text goes out at once.
   */
  streamed(): StreamedRedaction {
    const pattern = this.#compiled();
    const starts = [...this.#secrets].flatMap((secret) => [secret, ...base64Fragments(Buffer.from(secret, 'utf8'))]);
    let held = '';
    return {
      push: (text) => {
        if (!pattern) return text;
        held += text;
        const keep = secretStartAtEnd(held, starts);
        const out = held.slice(0, held.length - keep);
        held = held.slice(held.length - keep);
        return this.redact(out);
      },
      end: () => {
        const out = this.redact(held);
        held = '';
        return out;
      },
    };
  }

  /** Every string inside a JSON-like value (events, run records, checkpoints), keys included; a new value is returned. */
  redactValue<T>(value: T): T {
    if (!this.#compiled()) return value;
    return this.#walk(value) as T;
  }

  #walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.#walk(item));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.redact(key), this.#walk(item)]));
    }
    return value;
  }

  #compiled(): RegExp | undefined {
    if (this.#pattern === undefined && this.#secrets.size > 0) {
      // Longest first, so a secret that contains another is replaced whole.
      const forms = [...this.#secrets].flatMap(spellings).sort((a, b) => b.length - a.length);
      this.#pattern = new RegExp(forms.join('|'), 'g');
    }
    return this.#pattern;
  }
}

export interface StreamedRedaction {
  /** The piece's text that is safe to show now, redacted; may be empty while a possible secret is held. */
  push(text: string): string;
  /** What is still held, redacted, once no more text will come. */
  end(): string;
}

/** Regular-expression sources matching a secret in each spelling a server is likely to echo. */
function spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [percentEncodable(secret), ...base64Fragments(bytes).map(escapeRegExp)];
}

/** The secret with each character either as it is or percent-encoded (UTF-8, hex in any case). */
function percentEncodable(secret: string): string {
  return [...secret]
    .map((char) => {
      const encoded = [...Buffer.from(char, 'utf8')].map((byte) => `%${caseless(byte.toString(16).padStart(2, '0'))}`).join('');
      const plain = char === ' ' ? '(?: |\\+)' : escapeRegExp(char);
      return `(?:${plain}|${encoded})`;
    })
    .join('');
}

function caseless(hex: string): string {
  return [...hex].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
}

/**
 * base64 of the secret starting at each of the three byte offsets inside a longer value: only the
 * characters that depend on the secret's bytes alone, in standard and URL-safe alphabets.
 */
function base64Fragments(bytes: Buffer): string[] {
  const fragments = new Set<string>();
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const fragment = encoded.slice(Math.ceil((offset * 4) / 3), Math.floor(((offset + bytes.length) * 4) / 3));
    if (fragment.length >= MIN_SECRET_LENGTH) {
      fragments.add(fragment);
      fragments.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...fragments];
}

/** The length of the longest ending of `text` that is the beginning (not the whole) of one of `secrets`. */
function secretStartAtEnd(text: string, secrets: string[]): number {
  const last = text.at(-1);
  let keep = 0;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > keep; length -= 1) {
      if (secret[length - 1] === last && text.endsWith(secret.slice(0, length))) {
        keep = length;
        break;
      }
    }
  }
  return keep;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
