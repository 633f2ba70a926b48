/**
 * Bidirectional embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069). In
 * agent text they can make `moc.elpmaxe` read as `example.com` or hide where a link goes.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
