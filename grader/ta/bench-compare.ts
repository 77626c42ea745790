// Benchmark of `ta compare`: N submissions of 03-cnn graded three ways,
//   - `ta grade`, one process per submission, one after another (what a TA
//     does without compare),
//   - compare with one worker,
//   - compare with one worker per core,
// and the wall time of each.
//   npx tsx grader/ta/bench-compare.ts [--count 30] [--jobs 2] [--rounds 3] [--lesson 03-cnn]
// The submissions are branches of a temporary clone of this repository, each
// the solution with a different learning rate, so every one trains for real.
// The three ways take turns, a slice of the submissions at a time: on a shared
// machine whose speed drifts by a third from one minute to the next, measuring
// each way in one block of minutes made the ratios depend on when they ran.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repoDir } from '../registry.ts';
import { withoutMarkers } from '../variants/student-regions.ts';
import { compareSubmissions } from './compare.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '30' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    rounds: { type: 'string', default: '3' },
    lesson: { type: 'string', default: '03-cnn' },
    file: { type: 'string', default: 'cnn.ts' },
  },
});
const count = Number(values.count);
const jobs = Number(values.jobs);
const rounds = Math.min(Number(values.rounds), count);
const lesson = values.lesson!;
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
  const reports = await compareSubmissions(items, { lessons: [lesson], variants: ['exercise'], jobs: workers });
  for (const report of reports) if (report.error) failures.push(`${report.name}: ${report.error}`);
}

function gradeOneAfterAnother(items: string[]): void {
  for (const item of items) {
    const run = spawnSync(tsx, [taCli, 'grade', item, '--lesson', lesson, '--variant', 'exercise', '--format', 'json'], { cwd: repoDir, encoding: 'utf8' });
    // Exit code 1 only says that some check failed (the bench's submissions leave pretrained.ts undone).
    if (run.status !== 0 && run.status !== 1) failures.push(`${item}: ta grade exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').at(-1)}`);
  }
}

try {
  execFileSync('git', ['clone', '--quiet', '--shared', repoDir, repo]);
  const solved = withoutMarkers(readFileSync(join(repoDir, 'solutions', lesson, values.file!), 'utf8'), values.file!);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const branch = `student-${String(i + 1).padStart(2, '0')}`;
    git('checkout', '--quiet', '-B', branch, 'origin/HEAD');
    // Most students near the reference's learning rate, a few far off: each trains its own curve.
    const rate = (0.01 * (0.5 + (i % 7) / 4)).toPrecision(3);
    writeFileSync(join(repo, 'exercise', lesson, values.file!), solved.replace(/learningRate: [0-9.e-]+,/, `learningRate: ${rate},`));
    git('commit', '--quiet', '-am', branch);
    items.push(`${repo}#${branch}`);
  }
  for (let round = 0; round < rounds; round++) {
    const slice = items.slice(Math.floor((round * count) / rounds), Math.floor(((round + 1) * count) / rounds));
    seconds.grade += await timed(() => gradeOneAfterAnother(slice));
    seconds.one += await timed(() => compare(slice, 1));
    seconds.parallel += await timed(() => compare(slice, jobs));
    console.log(`round ${round + 1}/${rounds}: ${slice.length} submissions graded each way`);
  }
  console.log(`ta grade, one after another: ${seconds.grade.toFixed(1)} s for ${count} submissions`);
  console.log(`compare, 1 worker:           ${seconds.one.toFixed(1)} s`);
  console.log(`compare, ${jobs} workers:          ${seconds.parallel.toFixed(1)} s`);
  if (failures.length) console.log(`${failures.length} gradings failed, e.g. ${failures[0]}`);
  console.log(`compare with ${jobs} workers / ta grade one after another = ${(seconds.parallel / seconds.grade).toFixed(2)} (${availableParallelism()} cores)`);
  console.log(`compare with ${jobs} workers / compare with 1 worker     = ${(seconds.parallel / seconds.one).toFixed(2)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
