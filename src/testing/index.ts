/** Test your own crews without a model server: `import { ScriptedLlm } from 'crewbot/testing'`. */
export { ScriptedLlm, type ScriptedAnswer, type ScriptedAnswerFn, type ScriptedLlmOptions } from './scriptedLlm.ts';
