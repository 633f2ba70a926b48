import { Redactor } from '../src/redactor.ts';

/**
 * What the redactor costs on every store write: a checkpoint-shaped value (nested objects, long
 * conversation strings) redacted with six configured secrets, none of which occur in it (the
 * usual case), at two sizes.
 */
export async function redactionCost(): Promise<Array<{ kilobytes: number; msPerValue: number; msPerMegabyte: number }>> {
  const redactor = new Redactor([
    'sk-proj-Ab3defGHIjklMNOpqrSTUvwxYZ0123456789',
    'serper-0123456789abcdef0123456789abcdef',
    'xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx',
    '8f14e45fceea167a5a36dedd4bea2543',
    'xapp-1-A0123456789-1111111111111-abcdef0123456789abcdef',
    'MTAxMjM0NTY3ODkwMTIzNDU2Nzg5.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB',
  ]);
  const results = [];
  for (const kilobytes of [7, 200]) {
    const value = checkpointOf(kilobytes * 1024);
    const bytes = JSON.stringify(value).length;
    for (let i = 0; i < 20; i += 1) redactor.redactValue(value);
    const rounds = Math.max(20, Math.round(20_000 / kilobytes));
    const started = performance.now();
    for (let i = 0; i < rounds; i += 1) redactor.redactValue(value);
    const msPerValue = (performance.now() - started) / rounds;
    results.push({ kilobytes, msPerValue, msPerMegabyte: msPerValue * ((1024 * 1024) / bytes) });
  }
  return results;
}

function checkpointOf(size: number): unknown {
  const messages = [];
  let length = 0;
  for (let i = 0; length < size; i += 1) {
    const content = `Step ${i}: the researcher read https://example.com/article/${i} and found that ${'durable execution keeps work '.repeat(20)}`;
    messages.push({ role: i % 2 ? 'assistant' : 'tool', content, toolCallId: `call_${i}` });
    length += content.length + 40;
  }
  return { version: 1, runId: 'bench', tasks: { research_task: { status: 'running', conversation: messages } }, usage: { llmCalls: 3 } };
}
