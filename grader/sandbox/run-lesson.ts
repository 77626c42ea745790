// Runs a lesson's checks in a sandbox process, one check at a time, each under
// a time limit. A check that hangs or crashes the process is reported and the
// process replaced; the fixture or import that hung is not tried again, so the
// checks that need it fail at once instead of each waiting out the limit.
// The sandbox shares its process with student code, so what it says is
// believed only when well formed and signed with this run's key (seal.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Check, LessonDefinition } from '../lesson.ts';
import { loadReference } from '../registry.ts';
import type { CheckResult, Curve } from '../results.ts';
import { PhaseClock, type LessonTimings } from '../timings.ts';
import { sandboxLaunch, type SandboxLaunch } from './permissions.ts';
import type { FromSandbox, SandboxOptions, Start } from './protocol.ts';
import { graderSideFunction } from './grader-side.ts';
import { decodeNumbers, encodeNumbers } from './json-numbers.ts';
import { newKey, signReply, unseal } from './seal.ts';
import { dieWithGrader } from './reaper.ts';

const workerFile = fileURLToPath(new URL('./worker.ts', import.meta.url));
const typescriptLoader = fileURLToPath(new URL('./typescript-loader.mjs', import.meta.url));
// TensorFlow.js (7 MB of plain JavaScript) loaded before the TypeScript
// loader's hooks are installed: through them it cost every sandbox a quarter
// second more CPU time at its start. lib/runtime/tfjs.ts's require then finds it loaded.
// Only where the hooks run in the loading thread (module.registerHooks, Node
// 22.15 and later): elsewhere they run in a thread of their own, which would
// load the preloads a second time (0.2 to 0.3 s more CPU per sandbox on Node
// 20), while require() there never goes through the hooks anyway.
const hooksInThread = 'registerHooks' in createRequire(import.meta.url)('node:module');
const preload = (hooksInThread ? ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] : []).flatMap((name) => {
  try {
    return [`--require=${fileURLToPath(import.meta.resolve(name))}`];
  } catch {
    return []; // Not installed: lib/runtime/backend.ts says so and falls back.
  }
});
// The permission model's own warnings would fill the student's stderr tail.
const quiet = process.allowedNodeEnvironmentFlags.has('--disable-warning')
  ? ['--disable-warning=ExperimentalWarning', '--disable-warning=SecurityWarning']
  : [];
const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
const STARTUP_TIMEOUT_MS = 60_000;
const MEMORY_LIMIT_MB = 4096;
const MEMORY_POLL_MS = 250;
/** Student stderr quoted in a message: the end, where the error is. */
const STDERR_TAIL_BYTES = 2048;

export interface LessonRun {
  backend: string;
  checks: CheckResult[];
  curve?: Curve;
  /** Where the time went (start, load, train, checks), for --timings. */
  timings: LessonTimings;
}

/**
 * Grading runs on the backend the lesson's reference was calibrated on (wasm:
 * the same arithmetic on every machine, so the same grade on a laptop and in
 * GitHub Actions, where tfjs-node installs), unless TFJS_BACKEND asks for
 * another; the results then record the mismatch.
 */
export function gradingBackend(lessonId: string): string | undefined {
  return process.env.TFJS_BACKEND || loadReference(lessonId)?.backend || undefined;
}

function backendEnv(lessonId: string): Record<string, string> {
  const name = gradingBackend(lessonId);
  return name ? { TFJS_BACKEND: name } : {};
}

/** The grader could not start the sandbox at all: an infrastructure error, not the student's. */
export class SandboxStartError extends Error {}

export interface RunLessonOptions extends SandboxOptions {
  /** Multiplies every time limit; the grader's own tests shrink them to test hangs quickly. */
  timeScale?: number;
  /** Resident memory allowed to the sandbox (heap, Buffers and WebAssembly together). */
  memoryLimitMb?: number;
  /** The Node binary the sandbox runs on: this one unless said. */
  execPath?: string;
}

export async function runLesson(lesson: LessonDefinition, options: RunLessonOptions): Promise<LessonRun> {
  const { timeScale = 1, memoryLimitMb = MEMORY_LIMIT_MB, execPath = process.execPath, ...sandboxOptions } = options;
  const sandbox = new Sandbox(sandboxOptions, timeScale, memoryLimitMb, execPath, lifetimeLimitMs(lesson, timeScale));
  const poisoned = new Map<string, string>();
  const checks: CheckResult[] = [];
  let curve: Curve | undefined;
  try {
    for (const check of lesson.checks) {
      const started = Date.now();
      const blocked = blockedBy(check, poisoned);
      const verdict = blocked
        ? { status: 'error' as const, message: blocked, figures: {}, causes: [] }
        : await sandbox.run(check, lesson, poisoned);
      if ('curve' in verdict && verdict.curve) curve = verdict.curve;
      const passed = verdict.status === 'pass';
      checks.push({
        id: check.id,
        title: check.title,
        status: verdict.status,
        points: passed ? check.points : 0,
        maxPoints: check.points,
        message: verdict.message,
        figures: verdict.figures,
        causes: verdict.causes,
        buildsOn: [...(check.buildsOn ?? [])],
        durationMs: Date.now() - started,
      });
    }
    return { backend: sandbox.backend ?? 'unknown', checks, curve, timings: sandbox.clock.read() };
  } finally {
    sandbox.stop();
  }
}

/**
 * The longest one sandbox of this lesson may live: twice its start and every
 * check's and fixture's limit, the most the grader could give it, with room
 * for the grader's own pauses between checks. Past it the reaper kills the
 * sandbox, should the grader's own timers not have (reaper.ts).
 */
function lifetimeLimitMs(lesson: LessonDefinition, timeScale: number): number {
  const checks = lesson.checks.reduce((sum, check) => sum + (check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS), 0);
  const fixtures = Object.values(lesson.fixtures).reduce((sum, fixture) => sum + fixture.timeoutMs, 0);
  return 2 * (STARTUP_TIMEOUT_MS + timeScale * (checks + fixtures));
}

function blockedBy(check: Check, poisoned: Map<string, string>): string | undefined {
  for (const [phase, reason] of poisoned) {
    if (phase.startsWith('load:')) return reason;
    if (check.needs?.some((need) => phase === `fixture:${need}`)) return reason;
  }
  return undefined;
}

type Verdict = Extract<FromSandbox, { kind: 'result' }>;

class Sandbox {
  backend: string | undefined;
  readonly clock = new PhaseClock();
  private child: ChildProcess | undefined;
  private launch: SandboxLaunch | undefined;
  private ready: Promise<void> | undefined;
  private listener: ((message: FromSandbox) => void) | undefined;
  private exitListener: ((code: number | null, signal: string | null) => void) | undefined;
  private readonly finishedPhases = new Set<string>();
  /** Phases under way, innermost last: a fixture may import a file. */
  private phases: string[] = [];
  private stderrTail = '';
  /** Said beside the running check's verdict: refused messages, unhandled rejections. */
  private notes: string[] = [];
  /** Set when the grader killed the sandbox for its memory: the exit is then explained by that. */
  private overMemory = false;
  /** When the running sandbox started, on the clock the reaper's lifetime limit runs on. */
  private startedAt = 0;

  constructor(
    private readonly options: SandboxOptions,
    private readonly timeScale: number,
    private readonly memoryLimitMb: number,
    private readonly execPath: string,
    private readonly lifetimeMs: number,
  ) {}

  async run(check: Check, lesson: LessonDefinition, poisoned: Map<string, string>) {
    this.clock.reset();
    await this.start();
    const pendingFixtures = (check.needs ?? []).filter((need) => !this.finishedPhases.has(`fixture:${need}`));
    const limitMs =
      this.timeScale *
      ((check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS) +
        pendingFixtures.reduce((sum, need) => sum + lesson.fixtures[need]!.timeoutMs, 0));
    this.phases = [];

    const verdict = await new Promise<Pick<Verdict, 'status' | 'message' | 'figures' | 'causes' | 'curve'>>((resolve) => {
      const timer = setTimeout(() => {
        const seconds = Math.round(limitMs / 100) / 10;
        const phase = this.phases.at(-1);
        const what = phase ? describePhase(phase) : `check ${check.id}`;
        const message = `${what} did not finish within ${seconds} s: an endless loop, or far more work than the lesson needs?`;
        if (phase) poisoned.set(phase, message);
        this.kill();
        resolve({ status: 'error', message, figures: {}, causes: [] });
      }, limitMs);
      this.listener = (message) => {
        const kind = 'phase' in message ? PhaseClock.kindOf(message.phase) : undefined;
        if (kind) this.clock[message.kind === 'phase' ? 'enter' : 'leave'](kind);
        if (message.kind === 'phase') this.phases.push(message.phase);
        if (message.kind === 'phase-done') {
          this.finishedPhases.add(message.phase);
          this.phases = this.phases.filter((phase) => phase !== message.phase);
        }
        if (message.kind === 'phase-failed') {
          // The sandbox remembers a failed fixture too, but not across a restart.
          if (message.phase.startsWith('fixture:')) {
            poisoned.set(message.phase, `${describePhase(message.phase)} failed: ${message.message}`);
          }
          this.phases = this.phases.filter((phase) => phase !== message.phase);
        }
        if (message.kind === 'unhandled') this.note(`an error nobody caught: ${message.message}`);
        if (message.kind === 'result' && message.checkId === check.id) {
          clearTimeout(timer);
          resolve(message);
        }
      };
      this.exitListener = (code, signal) => {
        clearTimeout(timer);
        const message = this.overMemory
          ? `the lesson used more than ${formatMb(this.memoryLimitMb)} of memory while running this check`
          : this.exitMessage(code, signal);
        const phase = this.phases.at(-1);
        if (phase) poisoned.set(phase, message);
        this.forget();
        resolve({ status: 'error', message, figures: {}, causes: [] });
      };
      this.child!.send({ kind: 'run', checkId: check.id });
    });
    // Notes that came after the previous check's verdict are said beside this one.
    const notes = this.notes.splice(0);
    return notes.length ? { ...verdict, message: `${verdict.message} (${notes.join('; ')})` } : verdict;
  }

  private exitMessage(code: number | null, signal: string | null): string {
    if (/heap limit|heap out of memory|Array buffer allocation failed|RangeError: .*(memory|out of bounds)/i.test(this.stderrTail)) {
      return `the lesson used more than ${formatMb(this.memoryLimitMb)} of memory while running this check`;
    }
    if (signal === 'SIGKILL' && performance.now() - this.startedAt >= this.lifetimeMs) {
      return `the lesson's process ran for more than ${Math.round(this.lifetimeMs / 1000)} s in all, the longest the grader allows this lesson, and was stopped`;
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail.trim().split('\n').map((line) => line.trim()).filter(Boolean).join(' | ');
    return `the lesson's process ${how} while running this check${tail ? `: ${tail}` : ''} (process.exit in student code?)`;
  }

  private note(text: string) {
    if (!this.notes.includes(text) && this.notes.length < 5) this.notes.push(text);
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.finishedPhases.clear();
    this.overMemory = false;
    this.stderrTail = '';
    this.clock.enter('startMs');
    const key = newKey();
    const launch = sandboxLaunch(this.options.lessonDir);
    const child = fork(workerFile, [], {
      execPath: this.execPath,
      execArgv: [
        ...launch.execArgv,
        ...quiet,
        ...preload,
        `--import=${typescriptLoader}`,
        '--enable-source-maps',
        `--max-old-space-size=${this.memoryLimitMb}`,
      ],
      env: { ...launch.env, ...backendEnv(this.options.lessonId) },
      cwd: launch.cwd,
      uid: launch.uid,
      gid: launch.gid,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    this.launch = launch;
    this.startedAt = performance.now();
    // Before any student code runs: a sandbox stuck in a loop outlives no grader.
    dieWithGrader(child, this.lifetimeMs);
    const verbose = process.env.GRADER_VERBOSE === '1';
    // Student stdout is never parsed: whatever it prints, in any format, is only shown when asked.
    child.stdout!.on('data', (chunk: Buffer) => verbose && process.stderr.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      if (verbose) process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
    });
    const start: Start = { kind: 'start', key, ...this.options, reference: loadReference(this.options.lessonId) };
    let greeted = false;
    // A killed child reports its exit later, when a new one may already be starting: ignore it.
    child.on('message', (raw: unknown) => {
      if (child !== this.child) return;
      // The sandbox's first word, before any student code has loaded.
      if (!greeted) {
        greeted = true;
        child.send(start);
        return;
      }
      const opened = unseal(key, raw);
      if ('refused' in opened) this.note(`the lesson's process sent an invalid message: ${opened.refused}; it was ignored`);
      else if (opened.message.kind === 'compute') void this.compute(child, key, opened.message);
      else this.listener?.(opened.message);
    });
    child.on('exit', (code, signal) => child === this.child && this.exitListener?.(code, signal));
    let spawned = false;
    child.once('spawn', () => (spawned = true));
    this.watchMemory(child);
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new SandboxStartError(`the grader's sandbox did not start within ${STARTUP_TIMEOUT_MS / 1000} s`));
      }, STARTUP_TIMEOUT_MS);
      this.listener = (message) => {
        if (message.kind === 'ready') {
          this.clock.leave('startMs');
          clearTimeout(timer);
          this.backend = message.backend;
          resolve();
        }
      };
      this.exitListener = (code) => {
        clearTimeout(timer);
        this.forget();
        reject(new SandboxStartError(`the grader's sandbox exited with code ${code} while starting:\n${this.stderrTail.trim()}`));
      };
      // Node could not be started at all (missing, or not executable by the
      // sandbox's user): no exit will follow, so say so now, not after the time limit.
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (spawned || child !== this.child) return; // A send to a process that just died: its exit says what happened.
        clearTimeout(timer);
        this.forget();
        const who = launch.uid === undefined ? '' : ` as user ${launch.uid}`;
        reject(new SandboxStartError(`the grader could not start its sandbox${who} with ${this.execPath}: ${error.code ?? error.message}${startHint(error.code)}`));
      });
    });
    return this.ready;
  }

  /** Runs a grader-side function a check asked for; its failure is the check's error, never the grader's. */
  private async compute(child: ChildProcess, key: string, request: Extract<FromSandbox, { kind: 'compute' }>) {
    let reply: object;
    try {
      const run = await graderSideFunction(this.options.lessonId, request.name);
      reply = { id: request.id, value: await run(...(decodeNumbers(request.args) as unknown[])) };
    } catch (error) {
      reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    if (child === this.child && child.connected) child.send({ kind: 'computed', ...signReply(key, encodeNumbers(reply)) });
  }

  /**
   * Polls the sandbox's resident memory, which counts what V8's heap limit
   * does not: Buffers, typed arrays and WebAssembly memory. Linux only (/proc);
   * elsewhere the heap limit alone applies.
   */
  private watchMemory(child: ChildProcess) {
    const status = `/proc/${child.pid}/status`;
    const timer = setInterval(() => {
      let kb: number;
      try {
        kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(status, 'utf8'))?.[1] ?? 0);
      } catch {
        clearInterval(timer);
        return;
      }
      if (kb > this.memoryLimitMb * 1024 && child === this.child) {
        this.overMemory = true;
        child.kill('SIGKILL');
      }
    }, MEMORY_POLL_MS);
    timer.unref();
    child.once('exit', () => clearInterval(timer));
  }

  /** The sandbox is gone: the next check starts a new one. */
  private forget() {
    this.child = undefined;
    this.ready = undefined;
    this.launch?.cleanup();
    this.launch = undefined;
  }

  private kill() {
    this.exitListener = undefined;
    this.child?.kill('SIGKILL');
    this.forget();
  }

  stop() {
    this.kill();
  }
}

function startHint(code: string | undefined): string {
  if (code === 'ENOENT') return ' (no such file: is Node installed there?)';
  if (code === 'EACCES') return ' (permission denied: the sandbox\'s user cannot run this Node; see "What student code can and cannot do" in grader/README.md)';
  return '';
}

function formatMb(mb: number): string {
  return mb >= 1024 ? `${Math.round(mb / 102.4) / 10} GB` : `${mb} MB`;
}

function describePhase(phase: string): string {
  if (phase.startsWith('load:')) return `importing ${phase.slice('load:'.length)}`;
  if (phase.startsWith('fixture:')) return `the shared run "${phase.slice('fixture:'.length)}"`;
  return phase;
}
