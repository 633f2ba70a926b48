import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/llm/apiFailure.ts';
import { isLocalEndpoint } from '../../src/llm/localEndpoint.ts';

function refused(code: string): InstanceType<typeof OpenAI.APIConnectionError> {
  const system = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
  return new OpenAI.APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: system }) });
}

describe('where a refused connection is not waited out', () => {
  it('loopback, private and LAN-only names are local; public hosts are not', () => {
    for (const url of [
      'http://localhost:11434/v1',
      'http://127.0.0.1:1234/v1',
      'http://[::1]:8080/v1',
      'http://10.0.0.5:8000/v1',
      'http://192.168.1.20:11434/v1',
      'http://172.20.0.3/v1',
      'http://ollama:11434/v1',
      'http://gpu-box.local:8000/v1',
      'http://llm.internal/v1',
    ]) {
      expect(isLocalEndpoint(url), url).toBe(true);
    }
    for (const url of ['https://api.openai.com/v1', 'https://openrouter.ai/api/v1', 'http://8.8.8.8/v1', 'not a url']) {
      expect(isLocalEndpoint(url), url).toBe(false);
    }
  });

  it('ECONNREFUSED and ENOTFOUND on a local endpoint: at most two attempts, a short wait', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND']) {
      expect(classifyFailure(refused(code), 1_000, true)).toEqual({ retry: true, reason: `connection failed (${code})`, retryAfterMs: 250, maxAttempts: 2 });
    }
    // A reset connection may be a busy server: the patient policy applies.
    expect(classifyFailure(refused('ECONNRESET'), 1_000, true)).toEqual({ retry: true, reason: 'connection failed (ECONNRESET)' });
  });

  it('a public endpoint that refuses keeps the patient retries', () => {
    expect(classifyFailure(refused('ECONNREFUSED'), 1_000, false)).toEqual({ retry: true, reason: 'connection failed (ECONNREFUSED)' });
  });
});
