/**
 * Span names and attribute keys. Model and tool spans follow OpenTelemetry's GenAI semantic
 * conventions, so trace viewers that know them show models, tokens and tools without setup.
 */
export const SPAN = {
  kickoff: 'crewbot.kickoff',
  advance: 'crewbot.advance',
  humanWait: 'crewbot.human_wait',
  task: 'crewbot.task',
  turn: 'crewbot.agent.turn',
  agent: (role: string) => `invoke_agent ${role}`,
  llm: (model: string) => `chat ${model}`,
  tool: (tool: string) => `execute_tool ${tool}`,
} as const;

export const ATTR = {
  runId: 'crewbot.run.id',
  crew: 'crewbot.crew',
  runStatus: 'crewbot.run.status',
  resumed: 'crewbot.run.resumed',
  work: 'crewbot.work',
  platform: 'crewbot.platform',
  taskId: 'crewbot.task.id',
  turnIndex: 'crewbot.turn.index',
  interrupted: 'crewbot.interrupted',
  requestId: 'crewbot.request.id',
  requestKind: 'crewbot.request.kind',
  timedOut: 'crewbot.request.timed_out',
  fromCache: 'crewbot.tool.from_cache',
  costUsd: 'crewbot.usage.cost_usd',
  inputs: 'crewbot.inputs',
  taskDescription: 'crewbot.task.description',
  taskOutput: 'crewbot.task.output',
  agentOutput: 'crewbot.agent.output',
  answer: 'crewbot.request.answer',
  errorType: 'error.type',
  genAiSystem: 'gen_ai.system',
  genAiProvider: 'gen_ai.provider.name',
  genAiOperation: 'gen_ai.operation.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiAgentName: 'gen_ai.agent.name',
  genAiToolName: 'gen_ai.tool.name',
  genAiToolArguments: 'gen_ai.tool.call.arguments',
  genAiToolResult: 'gen_ai.tool.call.result',
} as const;
