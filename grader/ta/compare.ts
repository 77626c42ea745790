// Grades many submissions side by side in worker processes, as many at once as
// there are cores, each submission under a time limit and a memory limit, so
// one that crashes or hangs costs only its own row. Results files from the
// students' own GitHub Actions runs are read instead of graded.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { sourceLabel } from '../provenance.ts';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { inParallel } from '../parallel.ts';
import { repoDir } from '../registry.ts';
import { parseResults, type Results } from '../results.ts';
import { UsageError } from '../target.ts';
import { safeName } from './checkout.ts';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_MS } from './limits.ts';
import { onCleanup } from './cleanup.ts';
import { shardPlaces, type Shard } from './shard.ts';
import { combineResults, STUDENT_VARIANTS, type GradeSubmissionOptions, type SubmissionReport } from './submission.ts';
import type { WorkerMessage, WorkerRequest } from './worker.ts';

const workerFile = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export interface CompareOptions extends Pick<GradeSubmissionOptions, 'lessons' | 'checks' | 'seed' | 'variants' | 'keep' | 'typeCheck'> {
  /** Worker processes at once; default: every core. */
  jobs?: number;
  /** Per submission, checkout and every lesson included. */
  timeLimitMs?: number;
  /** Resident memory of a submission's worker and the sandboxes it starts, together. */
  memoryLimitMb?: number;
  /** Grade only this slice of the list; names are given over the whole list, so they match an unsharded run. */
  shard?: Shard;
  onProgress?: (line: string) => void;
  /** Each submission's report as soon as it is graded (or read). */
  onReport?: (report: SubmissionReport) => void;
}


/** Local branches matching a glob such as 'student/*'. */
export async function branchesMatching(glob: string): Promise<string[]> {
  const out = await simpleGit(repoDir).raw(['for-each-ref', '--format=%(refname:short)', `refs/heads/${glob}`]);
  const branches = out.split('\n').filter(Boolean);
  if (branches.length === 0) throw new UsageError(`no branch of this repository matches "${glob}"`);
  return branches;
}

const isResultsFile = (item: string) => item.endsWith('.json') && existsSync(item) && statSync(item).isFile();

/** A folder of results files, e.g. one student's downloaded Actions artifact (results-exercise.json, results-bugs.json). */
const isResultsFolder = (item: string) =>
  existsSync(item) &&
  statSync(item).isDirectory() &&
  !existsSync(join(item, '.git')) &&
  readdirSync(item).some((file) => file.endsWith('.json')) &&
  !existsSync(join(item, 'exercise'));

export function readResultsSubmission(item: string): SubmissionReport {
  const files = isResultsFile(item)
    ? [item]
    : readdirSync(item)
        .filter((file) => file.endsWith('.json'))
        .sort()
        .map((file) => join(item, file));
  const name = safeName(basename(item).replace(/\.json$/, ''));
  try {
    const rank = (doc: Results) => {
      const index = (STUDENT_VARIANTS as readonly string[]).indexOf(doc.target.split(/[\\/]/).at(-1) ?? '');
      return index === -1 ? STUDENT_VARIANTS.length : index;
    };
    // exercise/ before bugs/, as when grading, whatever the files are called.
    const docs: Results[] = files.map((file) => parseResults(readFileSync(file, 'utf8'), file)).sort((a, b) => rank(a) - rank(b));
    // Named by the student or repository the results record, not by the file or folder (every artifact is alike).
    const label = safeName(sourceLabel(docs.find((doc) => Object.keys(doc.source).length)?.source, name));
    return { name: label, source: item, results: combineResults(label, docs), tampering: [], files: [], durationMs: 0 };
  } catch (error) {
    return { name, source: item, error: (error as Error).message, tampering: [], files: [], durationMs: 0 };
  }
}

/** A submission's name in reports, before duplicates are numbered. */
function nameOf(item: string): string {
  // Results files are named by the student or repository they record (every Actions artifact is alike).
  if (isResultsFile(item) || isResultsFolder(item)) return readResultsSubmission(item).name;
  return safeName(item.replace(/^.*[\\/]/, '').replace('#', '-'));
}

/** Names for every item of the list, in list order, duplicates numbered (alice, alice-2). */
export function submissionNames(items: readonly string[]): string[] {
  const names = new Set<string>();
  return items.map((item) => {
    const name = nameOf(item);
    let candidate = name;
    for (let n = 2; names.has(candidate); n++) candidate = `${name}-${n}`;
    names.add(candidate);
    return candidate;
  });
}

export async function compareSubmissions(items: readonly string[], options: CompareOptions = {}): Promise<SubmissionReport[]> {
  if (items.length === 0) throw new UsageError('nothing to compare: give refs, paths, URLs or results files, or --branches');
  const names = submissionNames(items);
  const places = options.shard ? shardPlaces(items.length, options.shard) : items.map((_, place) => place);
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  // One worker process per job, grading submission after submission: starting
  // one (tsx, the grader's modules, tfjs) for every submission took 1.2 to
  // 1.9 s of each submission's 8 or so.
  const idle = Array.from({ length: Math.min(jobs, places.length) }, () => new GradingWorker(options));
  try {
    return await inParallel(places, jobs, async (place) => {
      const item = items[place]!;
      const name = names[place]!;
      const report = await gradeOne(item, name);
      options.onReport?.(report);
      return report;
    });
  } finally {
    for (const worker of idle) worker.kill();
  }

  async function gradeOne(item: string, name: string): Promise<SubmissionReport> {
    if (isResultsFile(item) || isResultsFolder(item)) {
      const report = { ...readResultsSubmission(item), name };
      options.onProgress?.(`${report.name}: read ${item}`);
      return report;
    }
    const worker = idle.pop()!;
    try {
      return await worker.grade({ spec: item, name, options: { lessons: options.lessons, checks: options.checks, seed: options.seed, variants: options.variants, keep: options.keep, typeCheck: options.typeCheck } });
    } finally {
      idle.push(worker);
    }
  }
}

/**
 * A worker process that grades one submission at a time, started when first
 * needed. A submission over the time or memory limit, or one that crashes the
 * process, gets an error row; the process is killed with everything it started,
 * and the next submission gets a new one.
 */
class GradingWorker {
  private child: ChildProcess | undefined;
  private stopChild: (() => void) | undefined;
  private stderr = '';
  /** Receives the worker's messages while a submission is being graded. */
  private current: ((message: WorkerMessage | { kind: 'failed'; error: string }) => void) | undefined;

  constructor(private readonly options: CompareOptions) {}

  grade(request: WorkerRequest): Promise<SubmissionReport> {
    const timeLimitMs = this.options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    const memoryLimitMb = this.options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    const started = Date.now();
    const child = this.start();
    this.stderr = '';
    return new Promise((resolve) => {
      const temporary: string[] = [];
      // A killed worker cannot remove its checkout; one interrupted by Ctrl-C is killed first.
      const undo = onCleanup(() => {
        if (this.current) this.kill();
        for (const dir of temporary) removeTemporary(dir);
      });
      const finish = (report: SubmissionReport, healthy: boolean) => {
        if (!this.current) return;
        this.current = undefined;
        clearTimeout(timer);
        clearInterval(watchdog);
        if (!healthy) this.kill();
        undo();
        resolve(report);
      };
      const failed = (error: string) =>
        finish({ name: request.name, source: request.spec, error, tampering: [], files: [], durationMs: Date.now() - started }, false);
      this.current = (message) => {
        if (message.kind === 'temporary') temporary.push(message.dir);
        if (message.kind === 'progress') this.options.onProgress?.(message.line);
        if (message.kind === 'done') finish(message.report, true);
        if (message.kind === 'failed') failed(message.error);
      };
      const timer = setTimeout(() => failed(`grading did not finish within ${Math.round(timeLimitMs / 1000)} s and was stopped`), timeLimitMs);
      const watchdog = setInterval(() => {
        const mb = groupResidentMb(child.pid!);
        if (mb > memoryLimitMb) failed(`grading used ${Math.round(mb)} MB, over the limit of ${memoryLimitMb} MB, and was stopped`);
      }, 1000);
      child.send(request);
    });
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const memoryLimitMb = this.options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    const child = fork(workerFile, [], {
      execArgv: [`--import=${tsxLoader}`, `--max-old-space-size=${Math.min(memoryLimitMb, 4096)}`],
      // A process group of its own: a kill reaches the sandboxes it started too.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    this.stopChild = onCleanup(() => killGroup(child));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    child.on('message', (message: WorkerMessage) => child === this.child && this.current?.(message));
    // 'close', not 'exit': by then every message the worker sent has arrived.
    child.on('close', (code, signal) => {
      if (child !== this.child) return;
      const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
      this.kill();
      this.current?.({ kind: 'failed', error: `the grading process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail}` : ''}` });
    });
    return child;
  }

  /** Kills the worker and the sandboxes it started; the next submission starts a new one. */
  kill(): void {
    this.stopChild?.();
    this.child = undefined;
    this.stopChild = undefined;
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A killed worker cannot remove its own checkout: a worktree is unregistered, a clone deleted. */
function removeTemporary(dir: string): void {
  if (!existsSync(dir)) return;
  try {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repoDir, stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    execFileSync('git', ['worktree', 'prune'], { cwd: repoDir, stdio: 'ignore' });
  }
}

/** Resident memory of every process in a process group, from /proc (0 where there is no /proc). */
function groupResidentMb(pgid: number): number {
  if (!existsSync('/proc/self/stat')) return 0;
  let pages = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      pages += Number(readFileSync(`/proc/${entry}/statm`, 'utf8').split(' ')[1]);
    } catch {
      // The process ended while being read.
    }
  }
  return (pages * 4096) / (1024 * 1024);
}
