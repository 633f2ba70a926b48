import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/chat/console/commandLine.ts';
import { KickoffTextError, type KickoffCrew } from '../../src/chat/kickoffText.ts';

const CREWS: KickoffCrew[] = [
  { name: 'greeter', inputs: { name: { description: 'Who to greet', required: true } } },
  { name: 'ask_crew', inputs: {} },
];

describe('a line typed at crewbot>', () => {
  it('is a command word, in any case', () => {
    expect(parseCommandLine('  ', CREWS)).toEqual({ type: 'empty' });
    expect(parseCommandLine('HELP', CREWS)).toEqual({ type: 'help' });
    expect(parseCommandLine('list', CREWS)).toEqual({ type: 'list' });
    expect(parseCommandLine('runs', CREWS)).toEqual({ type: 'runs' });
    expect(parseCommandLine('exit', CREWS)).toEqual({ type: 'quit' });
  });

  it('or a kickoff, by name or by the crew’s number in `list`', () => {
    expect(parseCommandLine('greeter name=Ada', CREWS)).toEqual({ type: 'kickoff', kickoff: { crew: 'greeter', inputs: { name: 'Ada' }, missing: [] } });
    expect(parseCommandLine('1 Ada Lovelace', CREWS)).toEqual({ type: 'kickoff', kickoff: { crew: 'greeter', inputs: { name: 'Ada Lovelace' }, missing: [] } });
    expect(parseCommandLine('1', CREWS)).toEqual({ type: 'kickoff', kickoff: { crew: 'greeter', inputs: {}, missing: ['name'] } });
    expect(() => parseCommandLine('3', CREWS)).toThrow(new KickoffTextError('There is no crew number 3; `list` shows 2 crews.'));
    expect(() => parseCommandLine('constructor', CREWS)).toThrow(/No crew "constructor"/);
  });
});
