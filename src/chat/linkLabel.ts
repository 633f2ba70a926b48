/**
 * Where a chat link leads, when its label does not already say so: `[innocent](https://evil.example/x)`
 * is shown as `innocent (evil.example)`, so agent Markdown cannot dress a link up as something else.
 * Undefined when the label is the address or its host. Hosts are spelled as the URL parser spells
 * them (punycode for look-alike letters). Surfaces escape the result for their own markup.
 */
export function hiddenDestination(label: string, url: string): string | undefined {
  const destination = destinationOf(url);
  if (destination === undefined) return undefined;
  const shown = normalized(label);
  return shown === normalized(url) || shown === destination.toLowerCase() ? undefined : destination;
}

function destinationOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'mailto:') return decodeURIComponent(parsed.pathname);
    return parsed.host || undefined;
  } catch {
    return undefined;
  }
}

function normalized(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^(https?:\/\/|mailto:)/, '')
    .replace(/\/$/, '');
}
