import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { CrewListing } from '../../crews/listCrews.ts';
import { errorMessage } from '../../engine/errors.ts';
import type { InputSpec } from '../../engine/spec.ts';
import type { Runner } from '../../runs/runner.ts';
import type { AccessPolicy } from '../inbound/accessPolicy.ts';
import type { InboundPerson } from '../inbound/inboundEvent.ts';
import { InboundHandler } from '../inbound/inboundHandler.ts';
import { KickoffTextError, type KickoffText } from '../kickoffText.ts';
import { initialProgress } from '../progressView.ts';
import type { RunRecord, ThreadRef } from '../../runs/runRecord.ts';
import { parseCommandLine, type ConsoleCommand } from './commandLine.ts';
import { consoleActor } from './people.ts';
import type { ConsoleContext, CrewCatalog } from './context.ts';
import { ConsoleClosed, ConsoleInput } from './consoleInput.ts';
import { HELP, renderCrewList, renderRunList, terminalText, unfinishedReason } from './consoleRenderer.ts';
import { followRun } from './followRun.ts';
import { consoleKickoffReply, consoleReply } from './inboundReply.ts';
import { ConsoleAccess } from './policy.ts';
import { continueRun, offerUnfinishedRuns } from './resumeOffer.ts';
import { findRun } from '../../runs/runLookup.ts';

export interface ConsoleSessionOptions {
  input: Readable;
  output: Writable;
  /** Both ends are a terminal: line editing, Ctrl-C as a key, progress redrawn in place. */
  isTTY: boolean;
  /**
   * The session advances the runs it follows itself, so give it a runner that only records
   * kickoffs and answers (`schedule: () => undefined`). One that schedules on its own works too,
   * at the cost of a second pass after each kickoff and answer.
   */
  runner: Runner;
  crews: CrewCatalog;
  /** Who is typing; by default the login name on this machine. */
  actor?: InboundPerson | undefined;
  /** The terminal's access policy, the same instance the runner's answer policy asks; by default the terminal's own rules. */
  access?: AccessPolicy | undefined;
  /** Ctrl-C as a signal (SIGINT reaches the process when the input is a pipe). */
  interrupt?: AbortSignal | undefined;
  /** Where crews live, named when there are none. */
  crewsDir?: string | undefined;
  /** Lines shown under the greeting (e.g. that no LLM endpoint is configured). */
  notices?: string[] | undefined;
}

/** Exit code when Ctrl-C leaves a run unfinished (it stays resumable). */
export const EXIT_INTERRUPTED = 130;

const RECENT_RUNS = 10;

/**
 * crewbot in the terminal: a prompt that lists crews and runs, starts a crew from one line, shows
 * its progress live and asks its questions inline. Resolves with the exit code once the person
 * leaves (quit, Ctrl-D, Ctrl-C). Runs are left in the store as they stand, resumable next time.
 */
export async function runConsoleSession(options: ConsoleSessionOptions): Promise<number> {
  const input = new ConsoleInput({ input: options.input, output: options.output, isTTY: options.isTTY, interrupt: options.interrupt });
  const ctx: ConsoleContext = {
    input,
    output: options.output,
    isTTY: options.isTTY,
    runner: options.runner,
    inbound: new InboundHandler({
      runner: options.runner,
      access: options.access ?? new ConsoleAccess(),
      loadCrew: (run) => options.crews.loadCrew(run.crewDir ?? run.crew),
      crews: options.crews,
    }),
    crews: options.crews,
    actor: options.actor ?? consoleActor(),
    activeRun: undefined,
    say: (text) => options.output.write(`${text}\n`),
  };
  const session = new Session(ctx, options.crewsDir);
  try {
    return await session.run(options.notices ?? []);
  } catch (error) {
    if (error instanceof ConsoleClosed) return await leave(ctx, error.reason);
    throw error;
  } finally {
    input.close();
  }
}

/** The terminal, for the crews' rules: a place of its own, like a direct message. */
const TERMINAL = { channel: 'terminal', direct: true };

class Session {
  #crews: CrewListing[] = [];
  #lastThread: ThreadRef | undefined;
  /** The runs `runs` showed last, so `resume 2` means the second of them. */
  #listedRuns: RunRecord[] | undefined;

  constructor(
    private readonly ctx: ConsoleContext,
    private readonly crewsDir: string | undefined,
  ) {}

  async run(notices: string[]): Promise<number> {
    const { ctx } = this;
    ctx.say('crewbot — type a crew and what it should work on; `list` shows the crews, `help` the commands.');
    for (const notice of notices) ctx.say(notice);
    await offerUnfinishedRuns(ctx);
    await this.#list();
    for (;;) {
      const line = await ctx.input.ask('crewbot> ');
      try {
        const command = await this.#parse(line);
        if (command.type === 'quit') return 0;
        await this.#handle(command);
      } catch (error) {
        if (error instanceof ConsoleClosed) throw error;
        ctx.activeRun = undefined;
        ctx.say(terminalText(errorMessage(error)));
      }
    }
  }

  async #parse(line: string): Promise<ConsoleCommand> {
    try {
      return parseCommandLine(line, this.#crews);
    } catch (error) {
      if (!(error instanceof KickoffTextError)) throw error;
      // A crew added since the list was read: read it again once before refusing.
      this.#crews = await this.ctx.crews.listCrews();
      return parseCommandLine(line, this.#crews);
    }
  }

  async #handle(command: Exclude<ConsoleCommand, { type: 'quit' }>): Promise<void> {
    switch (command.type) {
      case 'empty':
        return;
      case 'help':
        this.ctx.say(HELP);
        return;
      case 'list':
        await this.#list();
        return;
      case 'runs':
        this.#listedRuns = await this.ctx.runner.store.listRuns({ limit: RECENT_RUNS });
        this.ctx.say(renderRunList(this.#listedRuns, Date.now()));
        return;
      case 'resume':
        await this.#resume(command.target);
        return;
      case 'status':
        await this.#status();
        return;
      case 'again':
        await this.#again(command.text);
        return;
      case 'kickoff':
        await this.#kickoff(command.kickoff);
        return;
      default: {
        const never: never = command;
        throw new Error(`Unknown command ${JSON.stringify(never)}`);
      }
    }
  }

  async #list(): Promise<void> {
    this.#crews = await this.ctx.crews.listCrews();
    this.ctx.say(renderCrewList(this.#crews, this.crewsDir));
  }

  async #kickoff(kickoff: KickoffText): Promise<void> {
    const { ctx } = this;
    const loaded = await ctx.crews.loadCrew(kickoff.crew);
    for (const warning of [...loaded.warnings, ...(loaded.setupWarnings ?? [])]) ctx.say(`warning: ${warning}`);
    const result = await ctx.inbound.handle(
      { type: 'kickoff', delivery: `line:${randomUUID()}`, who: ctx.actor, place: TERMINAL, what: { crew: kickoff.crew, inputs: kickoff.inputs } },
      consoleKickoffReply(ctx, (name) => this.#askInput(name, loaded.inputs[name])),
    );
    const run = result.run;
    if (!run) return;
    this.#lastThread = run.thread;
    ctx.say(`Run ${run.id} started.`);
    // No await before followRun subscribes: the first events of the run are not missed.
    await followRun(ctx, run, loaded, initialProgress(loaded.spec.name, loaded.spec.tasks.map((task) => task.id), Date.now()));
  }

  /** `again <text>`: a follow-up run of the last completed run, with its result and the text offered to it. */
  async #again(text: string): Promise<void> {
    const { ctx } = this;
    const thread = this.#lastThread ?? (await lastRunOf(ctx))?.thread;
    if (!thread) {
      ctx.say('There is no run of yours to follow up yet; start a crew first.');
      return;
    }
    const result = await ctx.inbound.handle(
      { type: 'reply', delivery: `line:${randomUUID()}`, who: ctx.actor, thread, text, addressed: true, place: TERMINAL },
      consoleReply(ctx),
    );
    if (result.run) await this.#follow(result.run);
  }

  async #follow(run: RunRecord): Promise<void> {
    const { ctx } = this;
    const loaded = await ctx.crews.loadCrew(run.crewDir ?? run.crew);
    this.#lastThread = run.thread;
    ctx.say(`Run ${run.id} started.`);
    await followRun(ctx, run, loaded, initialProgress(loaded.spec.name, loaded.spec.tasks.map((task) => task.id), Date.now()));
  }

  /** `resume <n|id>`: continues an unfinished run picked by its number in `runs` or by (the start of) its id. */
  async #resume(target: string | undefined): Promise<void> {
    const { ctx } = this;
    if (target === undefined) {
      ctx.say('Which run? `resume <number>` picks one from `runs`; `resume <id>` takes its id or the start of it.');
      return;
    }
    let run: RunRecord;
    if (/^\d{1,3}$/.test(target)) {
      const listed = (this.#listedRuns ??= await ctx.runner.store.listRuns({ limit: RECENT_RUNS }));
      const picked = listed[Number(target) - 1];
      if (!picked) {
        ctx.say(`There is no run number ${target}; \`runs\` shows ${listed.length} run${listed.length === 1 ? '' : 's'}.`);
        return;
      }
      run = picked;
    } else {
      run = await findRun(ctx.runner.store, target);
    }
    run = (await ctx.runner.store.getRun(run.id)) ?? run;
    if (run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled') {
      ctx.say(`Run ${run.id} (${run.crew}) is ${run.status}; there is nothing to continue.`);
      return;
    }
    await continueRun(ctx, run);
  }

  /** `status`: where the last run this person started at the terminal stands. */
  async #status(): Promise<void> {
    const { ctx } = this;
    const thread = this.#lastThread ?? (await lastRunOf(ctx))?.thread;
    if (!thread) {
      ctx.say('You have not started a run here yet; `runs` lists recent ones.');
      return;
    }
    await ctx.inbound.handle({ type: 'status', delivery: `line:${randomUUID()}`, who: ctx.actor, thread }, consoleReply(ctx));
  }

  async #askInput(name: string, spec: InputSpec | undefined): Promise<string> {
    const hints = [spec?.description, spec?.default !== undefined ? `default: ${spec.default}` : undefined].filter(Boolean);
    const prompt = `${name}${hints.length ? ` (${hints.join('; ')})` : ''}: `;
    for (;;) {
      const value = (await this.ctx.input.ask(prompt)).trim();
      if (value !== '') return value;
      if (spec?.default !== undefined) return spec.default;
      this.ctx.say(`  ${name} is required; type a value.`);
    }
  }
}

/** The newest run this person started at a terminal (a session of their own before this one). */
async function lastRunOf(ctx: ConsoleContext): Promise<RunRecord | undefined> {
  const runs = await ctx.runner.store.listRuns({ limit: RECENT_RUNS });
  return runs.find((run) => run.requester.platform === 'console' && run.requester.userId === ctx.actor.userId && run.thread);
}

/** Ctrl-C while a run works stops it here and keeps it resumable; either way, say how to pick it up. */
async function leave(ctx: ConsoleContext, reason: ConsoleClosed['reason']): Promise<number> {
  const active = ctx.activeRun;
  if (reason === 'interrupt') await ctx.runner.shutdown();
  if (!active) {
    ctx.say('');
    return 0;
  }
  const run = (await ctx.runner.store.getRun(active.id)) ?? active;
  const where = run.status === 'awaiting_input' ? unfinishedReason(run) : run.status;
  ctx.say(`\nRun ${run.id} is saved (${where}). Start crewbot again (npm start) to continue it.`);
  return reason === 'interrupt' ? EXIT_INTERRUPTED : 0;
}
