// Runs a lesson's checks in a sandbox process, one check at a time, each under
// a time limit. A check that hangs or crashes the process is reported and the
// process replaced; the fixture or import that hung is not tried again, so the
// checks that need it fail at once instead of each waiting out the limit.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Check, LessonDefinition } from '../lesson.ts';
import { loadReference } from '../registry.ts';
import type { CheckResult, Curve } from '../results.ts';
import type { FromSandbox, SandboxOptions } from './protocol.ts';

const workerFile = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
// TensorFlow.js (7 MB of plain JavaScript) loaded before tsx's hooks are
// installed: through them it cost every sandbox a quarter second more CPU
// time at its start. lib/tfjs.ts's require then finds it loaded.
const preload = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'].flatMap((name) => {
  try {
    return [`--require=${fileURLToPath(import.meta.resolve(name))}`];
  } catch {
    return []; // Not installed: lib/backend.ts says so and falls back.
  }
});
const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
const STARTUP_TIMEOUT_MS = 60_000;
const MEMORY_LIMIT_MB = 4096;

export interface LessonRun {
  backend: string;
  checks: CheckResult[];
  curve?: Curve;
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
}

export async function runLesson(lesson: LessonDefinition, options: RunLessonOptions): Promise<LessonRun> {
  const { timeScale = 1, ...sandboxOptions } = options;
  const sandbox = new Sandbox(sandboxOptions, timeScale);
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
    return { backend: sandbox.backend ?? 'unknown', checks, curve };
  } finally {
    sandbox.stop();
  }
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
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private listener: ((message: FromSandbox) => void) | undefined;
  private exitListener: ((code: number | null, signal: string | null) => void) | undefined;
  private readonly finishedPhases = new Set<string>();
  /** Phases under way, innermost last: a fixture may import a file. */
  private phases: string[] = [];
  private stderrTail: string[] = [];

  constructor(
    private readonly options: SandboxOptions,
    private readonly timeScale: number,
  ) {}

  async run(check: Check, lesson: LessonDefinition, poisoned: Map<string, string>) {
    await this.start();
    const pendingFixtures = (check.needs ?? []).filter((need) => !this.finishedPhases.has(`fixture:${need}`));
    const limitMs =
      this.timeScale *
      ((check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS) +
        pendingFixtures.reduce((sum, need) => sum + lesson.fixtures[need]!.timeoutMs, 0));
    this.phases = [];

    return new Promise<Pick<Verdict, 'status' | 'message' | 'figures' | 'causes' | 'curve'>>((resolve) => {
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
        if (message.kind === 'result' && message.checkId === check.id) {
          clearTimeout(timer);
          resolve(message);
        }
      };
      this.exitListener = (code, signal) => {
        clearTimeout(timer);
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const tail = this.stderrTail.slice(-3).join(' | ');
        const message = `the lesson's process ${how} while running this check${tail ? `: ${tail}` : ''} (process.exit in student code, or out of memory?)`;
        const phase = this.phases.at(-1);
        if (phase) poisoned.set(phase, message);
        this.child = undefined;
        this.ready = undefined;
        resolve({ status: 'error', message, figures: {}, causes: [] });
      };
      this.child!.send({ kind: 'run', checkId: check.id });
    });
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.finishedPhases.clear();
    const child = fork(workerFile, [], {
      execArgv: [...preload, `--import=${tsxLoader}`, `--max-old-space-size=${MEMORY_LIMIT_MB}`],
      env: { ...process.env, ...backendEnv(this.options.lessonId), GRADER_SANDBOX: JSON.stringify(this.options), TFJS_QUIET: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const verbose = process.env.GRADER_VERBOSE === '1';
    child.stdout!.on('data', (chunk: Buffer) => verbose && process.stderr.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      if (verbose) process.stderr.write(chunk);
      const lines = chunk.toString().split('\n').map((line) => line.trim()).filter(Boolean);
      this.stderrTail = [...this.stderrTail, ...lines].slice(-20);
    });
    // A killed child reports its exit later, when a new one may already be starting: ignore it.
    child.on('message', (message: FromSandbox) => child === this.child && this.listener?.(message));
    child.on('exit', (code, signal) => child === this.child && this.exitListener?.(code, signal));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new SandboxStartError(`the grader's sandbox did not start within ${STARTUP_TIMEOUT_MS / 1000} s`));
      }, STARTUP_TIMEOUT_MS);
      this.listener = (message) => {
        if (message.kind === 'ready') {
          clearTimeout(timer);
          this.backend = message.backend;
          resolve();
        }
      };
      this.exitListener = (code) => {
        clearTimeout(timer);
        this.child = undefined;
        this.ready = undefined;
        const tail = this.stderrTail.slice(-5).join('\n');
        reject(new SandboxStartError(`the grader's sandbox exited with code ${code} while starting:\n${tail}`));
      };
    });
    return this.ready;
  }

  private kill() {
    this.exitListener = undefined;
    this.child?.kill('SIGKILL');
    this.child = undefined;
    this.ready = undefined;
  }

  stop() {
    this.kill();
  }
}

function describePhase(phase: string): string {
  if (phase.startsWith('load:')) return `importing ${phase.slice('load:'.length)}`;
  if (phase.startsWith('fixture:')) return `the shared run "${phase.slice('fixture:'.length)}"`;
  return phase;
}
