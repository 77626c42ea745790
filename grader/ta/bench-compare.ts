// Benchmark of `ta compare`: N submissions of 03-cnn graded one after another
// (one worker) and then in parallel (one worker per core), wall time of each.
//   npx tsx grader/ta/bench-compare.ts [--count 30] [--jobs 2] [--lesson 03-cnn]
// The submissions are branches of a temporary clone of this repository, each
// the solution with a different learning rate, so every one trains for real.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoDir } from '../registry.ts';
import { withoutMarkers } from '../variants/student-regions.ts';
import { compareSubmissions } from './compare.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '30' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    lesson: { type: 'string', default: '03-cnn' },
    file: { type: 'string', default: 'cnn.ts' },
  },
});
const count = Number(values.count);
const jobs = Number(values.jobs);
const lesson = values.lesson!;

const root = mkdtempSync(join(tmpdir(), 'bench-compare-'));
const repo = join(root, 'class');
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: repo, stdio: 'ignore' });
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
  const run = async (workers: number) => {
    const started = Date.now();
    const reports = await compareSubmissions(items, { lessons: [lesson], variants: ['exercise'], jobs: workers });
    const seconds = (Date.now() - started) / 1000;
    const failed = reports.filter((report) => report.error);
    console.log(`${workers} worker(s): ${seconds.toFixed(1)} s for ${count} submissions${failed.length ? `, ${failed.length} failed: ${failed[0]!.error}` : ''}`);
    return seconds;
  };
  const sequential = await run(1);
  const parallel = await run(jobs);
  console.log(`parallel / sequential = ${(parallel / sequential).toFixed(2)} with ${jobs} workers on ${availableParallelism()} cores`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
