import { placeholdersIn } from '../engine/interpolate.ts';

/** Placeholder names in order of first appearance, each once (the engine's rule for what a placeholder is). */
export function findPlaceholders(text: string): string[] {
  return [...new Set(placeholdersIn(text))];
}
