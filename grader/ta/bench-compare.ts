// Benchmark of `ta compare`: N submissions of 03-cnn graded three ways,
//   - `ta grade`, one process per submission, one after another (what a TA
//     does without compare),
//   - compare with one worker,
//   - compare with one worker per core,
// and the wall time of each, with submissions per minute and the load average
// beside them (on a shared machine the figure means little without it).
//   npx tsx grader/ta/bench-compare.ts [--count 30] [--jobs 2] [--rounds 3] [--lesson 03-cnn | all] [--ways grade,one,parallel]
// --lesson all grades every lesson of exercise/, each solved (the whole course, as a class would hand it in).
// The submissions are branches of a temporary clone of this repository, each
// the solution with a different learning rate, so every one trains for real.
// The three ways take turns, a slice of the submissions at a time: on a shared
// machine whose speed drifts by a third from one minute to the next, measuring
// each way in one block of minutes made the ratios depend on when they ran.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lessonIds, loadLesson, repoDir } from '../registry.ts';
import { withoutMarkers } from '../variants/student-regions.ts';
import { compareSubmissions } from './compare.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '30' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    rounds: { type: 'string', default: '3' },
    lesson: { type: 'string', default: '03-cnn' },
    file: { type: 'string', default: 'cnn.ts' },
    ways: { type: 'string', default: 'grade,one,parallel' },
  },
});
const ways = new Set(values.ways!.split(','));
const count = Number(values.count);
const jobs = Number(values.jobs);
const rounds = Math.min(Number(values.rounds), count);
const wholeCourse = values.lesson === 'all';
const lesson = wholeCourse ? '03-cnn' : values.lesson!;
const lessons = wholeCourse ? undefined : [lesson];
const taCli = fileURLToPath(new URL('../cli/ta.ts', import.meta.url));
const tsx = join(repoDir, 'node_modules', '.bin', 'tsx');

const root = mkdtempSync(join(tmpdir(), 'bench-compare-'));
const repo = join(root, 'class');
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: repo, stdio: 'ignore' });

const seconds = { grade: 0, one: 0, parallel: 0 };
const failures: string[] = [];

async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const started = Date.now();
  await work();
  return (Date.now() - started) / 1000;
}

async function compare(items: string[], workers: number): Promise<void> {
  const reports = await compareSubmissions(items, { lessons, variants: ['exercise'], jobs: workers });
  for (const report of reports) if (report.error) failures.push(`${report.name}: ${report.error}`);
}

function gradeOneAfterAnother(items: string[]): void {
  for (const item of items) {
    const run = spawnSync(tsx, [taCli, 'grade', item, ...(lessons ? ['--lesson', ...lessons] : []), '--variant', 'exercise', '--format', 'json'], { cwd: repoDir, encoding: 'utf8' });
    // Exit code 1 only says that some check failed (the bench's submissions leave pretrained.ts undone).
    if (run.status !== 0 && run.status !== 1) failures.push(`${item}: ta grade exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').at(-1)}`);
  }
}

try {
  execFileSync('git', ['clone', '--quiet', '--shared', repoDir, repo]);
  const solved = withoutMarkers(readFileSync(join(repoDir, 'solutions', lesson, values.file!), 'utf8'), values.file!);
  if (wholeCourse) {
    // Every other lesson solved once, on the branch the students start from.
    for (const id of lessonIds()) {
      for (const file of (await loadLesson(id)).files) {
        writeFileSync(join(repo, 'exercise', id, file), withoutMarkers(readFileSync(join(repoDir, 'solutions', id, file), 'utf8'), file));
      }
    }
    git('commit', '--quiet', '-am', 'every lesson solved');
  }
  const start = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const branch = `student-${String(i + 1).padStart(2, '0')}`;
    git('checkout', '--quiet', '-B', branch, start);
    // Most students near the reference's learning rate, a few far off: each trains its own curve.
    const rate = (0.01 * (0.5 + (i % 7) / 4)).toPrecision(3);
    writeFileSync(join(repo, 'exercise', lesson, values.file!), solved.replace(/learningRate: [0-9.e-]+,/, `learningRate: ${rate},`));
    git('commit', '--quiet', '-am', branch);
    items.push(`${repo}#${branch}`);
  }
  const load: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const slice = items.slice(Math.floor((round * count) / rounds), Math.floor(((round + 1) * count) / rounds));
    if (ways.has('grade')) seconds.grade += await timed(() => gradeOneAfterAnother(slice));
    if (ways.has('one')) seconds.one += await timed(() => compare(slice, 1));
    if (ways.has('parallel')) seconds.parallel += await timed(() => compare(slice, jobs));
    load.push(loadavg()[0]!);
    console.log(`round ${round + 1}/${rounds}: ${slice.length} submissions graded each way; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  }
  const what = `${count} submissions of ${wholeCourse ? 'the whole course (exercise/, every lesson)' : lesson}`;
  const perMinute = (s: number) => `${s.toFixed(1)} s, ${((count * 60) / s).toFixed(1)} submissions/min`;
  if (ways.has('grade')) console.log(`ta grade, one after another: ${perMinute(seconds.grade)} for ${what}`);
  if (ways.has('one')) console.log(`compare, 1 worker:           ${perMinute(seconds.one)} for ${what}`);
  if (ways.has('parallel')) console.log(`compare, ${jobs} workers:          ${perMinute(seconds.parallel)} for ${what}`);
  console.log(`${availableParallelism()} cores; 1-minute load average at the end of each round: ${load.map((x) => x.toFixed(2)).join(', ')}`);
  if (failures.length) console.log(`${failures.length} gradings failed, e.g. ${failures[0]}`);
  if (ways.has('grade') && ways.has('parallel')) console.log(`compare with ${jobs} workers / ta grade one after another = ${(seconds.parallel / seconds.grade).toFixed(2)}`);
  if (ways.has('one') && ways.has('parallel')) console.log(`compare with ${jobs} workers / compare with 1 worker     = ${(seconds.parallel / seconds.one).toFixed(2)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
