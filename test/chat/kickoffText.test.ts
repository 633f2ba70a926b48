import { describe, expect, it } from 'vitest';
import { KickoffTextError, parseKickoffText, type KickoffCrew } from '../../src/chat/kickoffText.ts';

const CREWS: KickoffCrew[] = [
  {
    name: 'research_writer',
    inputs: {
      topic: { description: 'What to research', required: true },
      audience: { description: 'Who reads it', required: false, default: 'engineers' },
      tone: { required: true },
    },
  },
  { name: 'ask_crew', inputs: {} },
];

function errorOf(text: string): string {
  try {
    parseKickoffText(text, CREWS);
  } catch (error) {
    if (error instanceof KickoffTextError) return error.message;
    throw error;
  }
  throw new Error(`"${text}" parsed without an error`);
}

describe('kickoff text: "<crew> free text | key=value ..."', () => {
  it('gives free text to the first required input without a value', () => {
    expect(parseKickoffText('research_writer WebAssembly   outside the browser', CREWS)).toEqual({
      crew: 'research_writer',
      inputs: { topic: 'WebAssembly outside the browser' },
      missing: ['tone'],
    });
  });

  it('reads key=value pairs, quoted values and a `|` between the free text and the pairs', () => {
    expect(parseKickoffText(`research_writer topic="AI agents" tone='dry, precise' audience=managers`, CREWS)).toEqual({
      crew: 'research_writer',
      inputs: { topic: 'AI agents', tone: 'dry, precise', audience: 'managers' },
      missing: [],
    });
    expect(parseKickoffText('research_writer topic=Rust gentle and warm | audience=students', CREWS)).toEqual({
      crew: 'research_writer',
      inputs: { topic: 'Rust', tone: 'gentle and warm', audience: 'students' },
      missing: [],
    });
  });

  it('keeps a `|` and an `=` that are part of the free text when quoted or followed by more text', () => {
    expect(parseKickoffText('research_writer "a=b in maths" | or not', CREWS).inputs).toEqual({ topic: 'a=b in maths | or not' });
    expect(parseKickoffText('research_writer topic="say \\"hi\\""', CREWS).inputs).toEqual({ topic: 'say "hi"' });
  });

  it('finds the crew whatever its case, and takes no inputs for a crew without any', () => {
    expect(parseKickoffText('ASK_CREW', CREWS)).toEqual({ crew: 'ask_crew', inputs: {}, missing: [] });
  });

  it('refuses an unknown key, listing the crew’s inputs and how to write a kickoff', () => {
    const message = errorOf('research_writer colour=red');
    expect(message).toContain('research_writer has no input "colour".');
    expect(message).toContain('topic (required) — What to research');
    expect(message).toContain('audience (default: engineers) — Who reads it');
    expect(message).toContain('Usage: <crew> [free text] [key=value ...]');
    expect(errorOf('research_writer audiance=ops')).toContain('research_writer has no input "audiance" (did you mean audience?).');
  });

  it('refuses an unknown crew naming the crews, and text that names none', () => {
    expect(errorOf('nope topic=x')).toBe('No crew "nope". Crews: research_writer, ask_crew.');
    expect(errorOf('reserch_writer topic=x')).toBe('No crew "reserch_writer" (did you mean research_writer?). Crews: research_writer, ask_crew.');
    expect(errorOf('topic=x')).toMatch(/^Name a crew first\. Usage:/);
    expect(errorOf('   ')).toMatch(/^Name a crew first/);
  });

  it('refuses free text with nowhere to go, a key given twice, an empty value and an open quote', () => {
    expect(errorOf('ask_crew plan the offsite')).toMatch(/ask_crew has no required input left for the text "plan the offsite"/);
    expect(errorOf('research_writer topic=a topic=b')).toBe('topic is given twice; give it once.');
    expect(errorOf('research_writer topic=')).toMatch(/topic= has no value/);
    expect(errorOf('research_writer topic="AI agents')).toMatch(/A " is not closed/);
  });

  it('treats input names like Object.prototype members as plain names', () => {
    expect(errorOf('research_writer constructor=x')).toContain('research_writer has no input "constructor".');
  });
});
