import { z } from 'zod';
import { defineTool } from './defineTool.ts';

/** Lets an agent ask the people in the run's thread a question mid-task. */
export const askHumanTool = defineTool({
  name: 'ask_human',
  description:
    'Ask the person who started this run a question when you need a decision or a fact only they have. The run waits for their answer.',
  parameters: z.object({ question: z.string().min(1).describe('One clear question') }),
  run: async ({ question }, context) => {
    if (!context.askHuman) throw new Error('No person can be asked in this run; decide yourself and say what you assumed.');
    return context.askHuman(question);
  },
});
