import type { AgentTool } from '../tools/toolSet.ts';
import { runAgentLoop } from './agentExecutor.ts';
import { allocateAgent } from './allocation.ts';
import { delegationTools } from './delegationTools.ts';
import { RunLimitError, TaskFailedError, errorMessage } from './errors.ts';
import { managerFor } from './manager.ts';
import { emptyUsage, type TaskOutput } from './output.ts';
import { DEFAULT_OUTPUT_DIR, writeOutputFile } from './outputFile.ts';
import { contextBlock, guardrailRetryPrompt, openingMessages, reviewFeedbackPrompt, type TaskPromptParts } from './prompts.ts';
import { HumanInputRequired } from './humanRequest.ts';
import type { RunContext } from './runContext.ts';
import type { AgentSpec, TaskSpec } from './spec.ts';
import { checkGuardrail } from './guardrail.ts';
import { structuredAnswer } from './structuredAnswer.ts';
import { forgetWorkingMemory } from './workingMemory.ts';
import { maxRetryLimitOf, retryAfterFailure } from './taskRetry.ts';
import { reasonBeforeTask } from './reasoning.ts';
import { ToolCallInterruptedError } from './toolDeadline.ts';

/**
 * Runs one task to a validated output and records it; throws TaskFailedError when it cannot. A
 * failed execution is tried again (max_retry_limit) from the task's last checkpoint.
 */
export async function runTask(ctx: RunContext, task: TaskSpec): Promise<TaskOutput> {
  const state = ctx.state.tasks[task.id]!;
  state.status = 'running';
  ctx.emit({ type: 'task_started', taskId: task.id, description: task.description });
  for (;;) {
    try {
      return await attemptTask(ctx, task);
    } catch (error) {
      if (error instanceof HumanInputRequired) {
        state.status = 'awaiting_input';
        throw error;
      }
      ctx.throwIfCancelled();
      if (await retryAfterFailure(ctx, task, error)) continue;
      const reason = errorMessage(error);
      state.status = 'failed';
      state.error = reason;
      ctx.emit({ type: 'task_failed', taskId: task.id, error: reason });
      await ctx.checkpoint();
      // Run-wide stops keep their own type; anything else is this task's failure.
      if (error instanceof TaskFailedError || error instanceof RunLimitError) throw error;
      throw new TaskFailedError(task.id, reason, { made: state.retries + 1, maxRetryLimit: maxRetryLimitOf(ctx, task) });
    }
  }
}

async function attemptTask(ctx: RunContext, task: TaskSpec): Promise<TaskOutput> {
  const agent = await chooseAgent(ctx, task);
  ctx.state.tasks[task.id]!.agent = agent.id;
  const output = await produceOutput(ctx, task, agent);
  await finishTask(ctx, task, output);
  return output;
}

async function chooseAgent(ctx: RunContext, task: TaskSpec): Promise<AgentSpec> {
  if (ctx.spec.process === 'hierarchical') return managerFor(ctx.spec);
  if (task.agent) return ctx.agentsById.get(task.agent)!;
  const { agent, reason } = await allocateAgent(ctx, task);
  ctx.emit({ type: 'task_allocated', taskId: task.id, agent: agent.role, reason });
  return agent;
}

async function produceOutput(ctx: RunContext, task: TaskSpec, agent: AgentSpec): Promise<TaskOutput> {
  const state = ctx.state.tasks[task.id]!;
  const key = task.id;
  ctx.emit({ type: 'agent_execution_started', taskId: task.id, agent: agent.role });
  const parts = promptParts(ctx, task);
  const approach = await reasonBeforeTask(ctx, task.id, agent, parts);
  for (;;) {
    const answer = await runAgentLoop(ctx, {
      key,
      site: { agent, taskId: task.id },
      tools: toolsFor(ctx, task, agent, key),
      opening: () => openingMessages(agent, { ...parts, approach }),
      signal: executionSignal(ctx, agent),
    }).catch((error: unknown) => {
      const inTool = error instanceof ToolCallInterruptedError ? ` while tool ${error.tool} was running` : '';
      if (agent.maxExecutionTime && !ctx.env.signal?.aborted && (isAbort(error) || inTool)) {
        throw new TaskFailedError(task.id, `${agent.role} exceeded its max execution time (${agent.maxExecutionTime} s)${inTool}.`);
      }
      throw error;
    });
    ctx.emit({ type: 'agent_execution_completed', taskId: task.id, agent: agent.role, output: answer });
    const structured = task.outputSchema ? await structuredAnswer(ctx, task.id, answer, task.outputSchema) : undefined;
    const output: TaskOutput = {
      taskId: task.id,
      agent: agent.role,
      description: task.description,
      raw: structured?.raw ?? answer,
      ...(structured ? { json: structured.json } : {}),
      usage: { ...(ctx.state.usageByTask[task.id] ?? emptyUsage()) },
    };
    const verdict = await checkGuardrail(ctx, task, output, state.guardrailFailures);
    if (verdict.ok) {
      const accepted = verdict.output === undefined ? output : { ...output, raw: verdict.output };
      const changes = task.humanInput ? await humanReview(ctx, task, agent, accepted) : undefined;
      if (changes === undefined) return accepted;
      ctx.state.conversations[key]!.messages.push({ role: 'user', content: reviewFeedbackPrompt(changes) });
      await ctx.checkpoint();
      continue;
    }
    state.guardrailFailures += 1;
    ctx.emit({ type: 'guardrail_failed', taskId: task.id, agent: agent.role, attempt: state.guardrailFailures, feedback: verdict.feedback });
    const maxRetries = task.maxRetries ?? task.guardrailMaxRetries;
    if (state.guardrailFailures > maxRetries) {
      throw new TaskFailedError(
        task.id,
        `the output failed its guardrail ${state.guardrailFailures} times (guardrail max retries: ${maxRetries}). Last feedback: ${verdict.feedback}`,
      );
    }
    ctx.state.conversations[key]!.messages.push({ role: 'user', content: guardrailRetryPrompt(verdict.feedback) });
    await ctx.checkpoint();
  }
}

/**
 * human_input: a person approves the draft or asks for changes, round after round (crew.yaml
 * max_review_rounds caps it; past the cap the draft stands). Returns the requested changes, if any.
 */
async function humanReview(ctx: RunContext, task: TaskSpec, agent: AgentSpec, draft: TaskOutput): Promise<string | undefined> {
  const state = ctx.state.tasks[task.id]!;
  const cap = ctx.spec.maxReviewRounds;
  if (cap !== undefined && state.reviewRounds >= cap) return undefined;
  const { answer, by, at } = await ctx.requireHuman({
    slot: `${task.id}/review/${state.reviewRounds}`,
    kind: 'review',
    taskId: task.id,
    agent: agent.role,
    round: state.reviewRounds,
    draft: draft.raw,
  });
  if (answer.type !== 'feedback') return undefined;
  ctx.noteFeedback({ slot: `${task.id}/review/${state.reviewRounds}`, taskId: task.id, description: task.description, draft: draft.raw, text: answer.text, by, at });
  state.reviewRounds += 1;
  return answer.text;
}

/** Task tools replace the agent's; delegating agents and the manager also get the coworker tools. */
function toolsFor(ctx: RunContext, task: TaskSpec, agent: AgentSpec, key: string): AgentTool[] {
  const replaced = task.tools !== undefined || task.toolSets !== undefined;
  const own: AgentTool[] = replaced ? [...(task.tools ?? []), ...(task.toolSets ?? [])] : [...agent.tools, ...(agent.toolSets ?? [])];
  const isManager = ctx.spec.process === 'hierarchical';
  if (!isManager && !agent.allowDelegation) return own;
  const coworkers = ctx.spec.agents.filter((other) => other.id !== agent.id);
  if (coworkers.length === 0) return own;
  return [...own, ...delegationTools(ctx, key, task.id, coworkers)];
}

function promptParts(ctx: RunContext, task: TaskSpec): TaskPromptParts {
  const suggestion =
    ctx.spec.process === 'hierarchical' && task.agent
      ? `\n\nSuggested coworker: ${ctx.agentsById.get(task.agent)?.role ?? task.agent} (you may choose any coworker).`
      : '';
  const context = contextFor(ctx, task);
  return {
    description: task.description + suggestion,
    expectedOutput: task.expectedOutput,
    markdown: task.markdown,
    jsonSchema: task.outputSchema?.jsonSchema,
    context: context || undefined,
    feedback: ctx.state.tasks[task.id]?.feedback,
    plan: ctx.state.plans?.[task.id],
    offered: ctx.state.offered[task.id],
  };
}

/** Explicit context, or (CrewAI's default) every earlier task that completed. */
function contextFor(ctx: RunContext, task: TaskSpec): string {
  const ids = task.context ?? ctx.spec.tasks.slice(0, ctx.spec.tasks.indexOf(task)).map((earlier) => earlier.id);
  const outputs = ids.flatMap((id) => {
    const output = ctx.state.tasks[id]?.output;
    return output ? [output.raw] : [];
  });
  return contextBlock(outputs);
}

function executionSignal(ctx: RunContext, agent: AgentSpec): AbortSignal | undefined {
  if (!agent.maxExecutionTime) return ctx.env.signal;
  const timeout = AbortSignal.timeout(agent.maxExecutionTime * 1000);
  return ctx.env.signal ? AbortSignal.any([ctx.env.signal, timeout]) : timeout;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError' || /abort/i.test(error.name));
}

async function finishTask(ctx: RunContext, task: TaskSpec, output: TaskOutput): Promise<void> {
  const state = ctx.state.tasks[task.id]!;
  if (task.outputFile) await writeOutputFile(task.outputFile, ctx.state.inputs, ctx.env.outputDir ?? DEFAULT_OUTPUT_DIR, output);
  await task.callback?.(output);
  await ctx.env.onTaskCompleted?.(output);
  state.status = 'completed';
  state.output = output;
  delete state.error;
  forgetWorkingMemory(ctx.state, task.id);
  ctx.emit({ type: 'task_completed', taskId: task.id, agent: output.agent, output });
  await ctx.checkpoint();
}
