import os from 'node:os';
import { contextWindowCheck } from './contextWindowCheck.ts';
import { engineOverhead } from './engineOverhead.ts';
import { parallelEfficiency } from './parallelEfficiency.ts';
import { promptOverhead } from './promptOverhead.ts';
import { redactionCost } from './redaction.ts';
import { formatSlackStreamCalls, slackStreamCalls } from './slackStreamCalls.ts';
import { formatReviewRounds, reviewRounds } from './reviewRounds.ts';
import { formatStartup, startup } from './startup.ts';
import { formatSuspendedRuns, suspendedRuns } from './suspendedRuns.ts';

/** `npm run bench`: prints each measurement with its target. Not part of the tests. */
console.log(`Node ${process.version} on ${process.platform}-${process.arch}, ${os.cpus().length} cores`);
for (const line of formatStartup(await startup())) console.log(line);

const overhead = await engineOverhead();
console.log(`engine overhead per LLM step: ${overhead.msPerStep.toFixed(3)} ms over ${overhead.steps} steps (target < 1 ms)`);
// 400 characters written per step, unstreamed and then streamed in 4-character pieces (about a token each).
const unstreamed = await engineOverhead(20, 10, 5, { textChars: 400 });
const streamed = await engineOverhead(20, 10, 5, { textChars: 400, streamChunkChars: 4 });
console.log(
  `engine overhead per LLM step with 400 characters of text: ${streamed.msPerStep.toFixed(3)} ms streamed (${streamed.chunks} chunk events), ` +
    `${unstreamed.msPerStep.toFixed(3)} ms unstreamed; CPU time ${streamed.cpuMsPerStep.toFixed(3)} vs ${unstreamed.cpuMsPerStep.toFixed(3)} ms (target: difference < 0.1 ms)`,
);

const window = await contextWindowCheck();
console.log(
  `context-window check per LLM step: ${window.checkedMsPerStep.toFixed(3)} ms with a known window, ` +
    `${window.uncheckedMsPerStep.toFixed(3)} ms without (target: difference < 0.1 ms)`,
);

const prompt = await promptOverhead();
console.log(`fixed prompt characters per task (no tools): ${prompt.fixedChars} (target <= 150; CrewAI adds about 217)`);

const parallel = await parallelEfficiency();
console.log(
  `parallel efficiency at 500 ms latency: one task ${parallel.oneTaskMs.toFixed(0)} ms, 4 async + join ${parallel.fanOutMs.toFixed(0)} ms, ` +
    `extra ${parallel.extraLatencies.toFixed(2)} latencies (target <= 1.1)`,
);

for (const line of formatSuspendedRuns(await suspendedRuns())) console.log(line);

for (const { kilobytes, msPerValue, msPerMegabyte } of await redactionCost()) {
  console.log(`redacting a ${kilobytes} KB checkpoint (6 secrets): ${msPerValue.toFixed(3)} ms, ${msPerMegabyte.toFixed(1)} ms per MB (target < 1 ms for 7 KB)`);
}

console.log(formatReviewRounds(await reviewRounds()));

for (const line of formatSlackStreamCalls(await slackStreamCalls())) console.log(line);
