import { describe, expect, it } from 'vitest';
import { consoleThread, parseThreadId, threadParts, threadRef, ThreadIdError } from '../../src/chat/threadRef.ts';

describe('thread ids carry their platform', () => {
  it('make and read back a thread id', () => {
    const slack = threadRef('slack', 'C123', '1700000000.0001');
    expect(slack).toEqual({ platform: 'slack', id: 'slack:C123:1700000000.0001' });
    expect(parseThreadId(slack.id)).toEqual({ thread: slack, parts: ['C123', '1700000000.0001'] });
    expect(threadParts(slack)).toEqual(['C123', '1700000000.0001']);
    expect(consoleThread('run-1')).toEqual({ platform: 'console', id: 'console:run-1' });
    expect(threadParts(consoleThread('run-1'))).toEqual(['run-1']);
  });

  it('refuses ids without a known platform, empty parts, parts with ":" and a platform that does not match', () => {
    expect(() => parseThreadId('irc:#crewbot')).toThrow(ThreadIdError);
    expect(() => parseThreadId('slack:')).toThrow(/non-empty/);
    expect(() => parseThreadId('discord')).toThrow(/at least one part/);
    expect(() => threadRef('discord', 'a:b')).toThrow(/free of ":"/);
    expect(() => threadParts({ platform: 'discord', id: 'slack:C1:1.2' })).toThrow(/belongs to slack, not discord/);
  });
});
