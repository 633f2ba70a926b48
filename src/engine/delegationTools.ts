import { z } from 'zod';
import { defineTool, type Tool } from '../tools/defineTool.ts';
import { runAgentLoop } from './agentExecutor.ts';
import { openingMessages } from './prompts.ts';
import type { RunContext } from './runContext.ts';
import type { AgentSpec } from './spec.ts';

export const DELEGATE_TOOL = 'delegate_work_to_coworker';
export const ASK_TOOL = 'ask_question_to_coworker';

/**
 * CrewAI's two delegation tools over the given coworkers. Any coworker may be chosen; they are
 * matched by role (or id), case-insensitively.
 */
export function delegationTools(ctx: RunContext, parentKey: string, taskId: string, coworkers: AgentSpec[]): Tool[] {
  const roles = coworkers.map((agent) => agent.role).join(', ');
  const findCoworker = (name: string): AgentSpec => {
    const wanted = name.trim().toLowerCase();
    const found = coworkers.find((agent) => agent.role.toLowerCase() === wanted || agent.id.toLowerCase() === wanted);
    if (!found) throw new Error(`No coworker named "${name}". Choose one of: ${roles}.`);
    return found;
  };

  const work = async (kind: 'delegate' | 'ask', request: string, context: string, coworkerName: string, callId?: string) => {
    const coworker = findCoworker(coworkerName);
    ctx.emit({ type: 'delegation_started', taskId, agent: coworker.role, kind, coworker: coworker.role, request });
    const output = await runAgentLoop(ctx, {
      key: `${parentKey}>${callId ?? `${kind}:${coworker.id}`}`,
      site: { agent: coworker, taskId },
      tools: [...coworker.tools, ...(coworker.toolSets ?? [])],
      opening: () =>
        openingMessages(coworker, {
          description: request,
          expectedOutput: kind === 'delegate' ? 'Your complete answer to the task.' : 'A clear answer to the question.',
          context,
        }),
    });
    ctx.emit({ type: 'delegation_completed', taskId, agent: coworker.role, kind, coworker: coworker.role, output });
    return output;
  };

  return [
    defineTool({
      name: DELEGATE_TOOL,
      description: `Give a task to a coworker, who works on it and returns the result. Coworkers: ${roles}. Pass everything they need in context: they know nothing else.`,
      parameters: z.object({
        task: z.string().describe('What the coworker must do'),
        context: z.string().describe('Everything the coworker needs to know to do it'),
        coworker: z.string().describe(`Role of the coworker: one of ${roles}`),
      }),
      run: (args, toolContext) => work('delegate', args.task, args.context, args.coworker, toolContext.toolCallId),
    }),
    defineTool({
      name: ASK_TOOL,
      description: `Ask a coworker a question and get their answer. Coworkers: ${roles}. Pass everything they need in context: they know nothing else.`,
      parameters: z.object({
        question: z.string().describe('The question'),
        context: z.string().describe('Everything the coworker needs to know to answer'),
        coworker: z.string().describe(`Role of the coworker: one of ${roles}`),
      }),
      run: (args, toolContext) => work('ask', args.question, args.context, args.coworker, toolContext.toolCallId),
    }),
  ];
}
