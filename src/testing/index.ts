/** Test your own crews without a model server: `import { ScriptedLlm } from 'crewbot/testing'`. */
export { ScriptedLlm, type ScriptedAnswer, type ScriptedAnswerFn } from './scriptedLlm.ts';
