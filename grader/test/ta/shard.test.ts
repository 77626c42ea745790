// A class graded in shards (one machine each, in CI) and merged gives exactly
// what one machine grading the whole list gives. Kept cheap: two folders
// graded on two checks of lesson 01, the rest results files read without grading.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoDir } from '../../registry.ts';
import { compareOutputOf, readCompareOutput, writeCompareOutput } from '../../ta/compare-output.ts';
import { compareSubmissions } from '../../ta/compare.ts';
import { mergeShards } from '../../ta/merge.ts';
import { parseShard, readSubmissionList, shardPlaces } from '../../ta/shard.ts';
import { UsageError } from '../../target.ts';
import { withoutMarkers } from '../../variants/student-regions.ts';
import { fixtureResults } from '../reporters/fixtures.ts';
import { useTemporaryFolder } from '../temporary-folder.ts';

const LESSON = '01-linear-regression';
const FILE = 'linear-regression.ts';

/** The JSON without what differs from run to run: how long things took. */
function withoutTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'durationMs' && key !== 'gradedAt').map(([key, inner]) => [key, withoutTimes(inner)]));
  }
  return value;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown;

describe('TA tools: a class graded in shards and merged', function () {
  let root: string;
  useTemporaryFolder('ta-shards-', (folder) => (root = folder));

  it('reads --shard K/N and deals the list out deterministically, each place to exactly one shard', () => {
    expect(parseShard('2/3')).to.deep.equal({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '-1/2']) expect(() => parseShard(bad), bad).to.throw(UsageError);
    expect(shardPlaces(7, { index: 1, count: 3 })).to.deep.equal([0, 3, 6]);
    expect(shardPlaces(7, { index: 3, count: 3 })).to.deep.equal([2, 5]);
    expect(shardPlaces(1, { index: 2, count: 2 })).to.deep.equal([]);
    const all = [1, 2, 3, 4].flatMap((index) => shardPlaces(10, { index, count: 4 })).sort((a, b) => a - b);
    expect(all).to.deep.equal([...Array(10).keys()]);

    const list = join(root, 'list.txt');
    writeFileSync(list, '# section B\nalice.git#main\n\n  bob  \r\n# left the course\n');
    expect(readSubmissionList(list)).to.deep.equal(['alice.git#main', 'bob']);
    expect(() => readSubmissionList(join(root, 'none.txt'))).to.throw(UsageError, /cannot read the submission list/);
  });

  it('3 shards merged by ta merge give the JSON, CSV and HTML of one unsharded run, times aside', async () => {
    // Two student folders graded on lesson 01: one solved, one the untouched skeleton.
    const folder = (name: string, text: string) => {
      mkdirSync(join(root, name, 'exercise', LESSON), { recursive: true });
      writeFileSync(join(root, name, 'exercise', LESSON, FILE), text);
      return join(root, name);
    };
    const alice = folder('alice', withoutMarkers(readFileSync(join(repoDir, 'solutions', LESSON, FILE), 'utf8'), FILE));
    const bob = folder('bob', readFileSync(join(repoDir, 'exercise', LESSON, FILE), 'utf8'));
    // Results files from students' own Actions runs, one name twice, and a submission that does not exist.
    writeFileSync(join(root, 'carol.json'), JSON.stringify(fixtureResults('exercise', 0.5)));
    mkdirSync(join(root, 'again'));
    cpSync(join(root, 'carol.json'), join(root, 'again', 'carol.json'));
    mkdirSync(join(root, 'dave'));
    writeFileSync(join(root, 'dave', 'results-exercise.json'), JSON.stringify(fixtureResults('exercise', 1)));
    const items = [alice, join(root, 'carol.json'), bob, 'no-such-branch', join(root, 'dave'), join(root, 'again', 'carol.json')];
    // Without tsc's warnings (tested in attacks/modes.test.ts and type-warnings.test.ts): each of its programs costs some 5 s of processor.
    const options = { lessons: [LESSON], checks: ['bias-column', 'mse-loss'], variants: ['exercise' as const], typeCheck: false, jobs: 2, timeLimitMs: 120_000 };

    const whole = join(root, 'whole');
    writeCompareOutput(whole, compareOutputOf(items.length, await compareSubmissions(items, options), 'Section B'));
    const shards = [1, 2, 3].map((index) => join(root, `shard-${index}`));
    for (const [i, out] of shards.entries()) {
      const shard = { index: i + 1, count: 3 };
      // One worker each: a shard holds at most two submissions to grade, and a worker's start (tsx, the grader, tfjs) costs some 2 s of processor.
      writeCompareOutput(out, compareOutputOf(items.length, await compareSubmissions(items, { ...options, jobs: 1, shard }), 'Section B', shard));
    }
    const merged = join(root, 'merged');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'grader/cli/ta.ts', 'merge', ...shards, '--out', merged], { cwd: repoDir, encoding: 'utf8' });
    // Exit 1: some submissions were not graded (the missing branch), as for one machine.
    expect(run.status, run.stderr).to.equal(1);
    expect(run.stdout).to.include('6 submissions from 3 shards, 1 not graded');

    const wholeJson = readJson(join(whole, 'submissions.json')) as { submissions: { report: { name: string; results?: { points: number; maxPoints: number } } }[] };
    expect(wholeJson.submissions.map((entry) => entry.report.name)).to.deep.equal(['alice', 'carol', 'bob', 'no-such-branch', 'dave', 'carol-2']);
    expect(wholeJson.submissions[0]!.report.results!.points).to.equal(wholeJson.submissions[0]!.report.results!.maxPoints).and.above(0);
    expect(wholeJson.submissions[2]!.report.results!.points).to.equal(0);
    expect(withoutTimes(readJson(join(merged, 'submissions.json')))).to.deep.equal(withoutTimes(wholeJson));
    expect(readFileSync(join(merged, 'compare.csv'), 'utf8')).to.equal(readFileSync(join(whole, 'compare.csv'), 'utf8'));
    expect(readdirSync(join(merged, 'results')).sort()).to.deep.equal(readdirSync(join(whole, 'results')).sort());
    for (const file of readdirSync(join(whole, 'results'))) {
      expect(withoutTimes(readJson(join(merged, 'results', file))), file).to.deep.equal(withoutTimes(readJson(join(whole, 'results', file))));
    }
    const html = (dir: string) => readFileSync(join(dir, 'compare.html'), 'utf8').replace(/"durationMs":\d+/g, '').replace(/graded in [\d.]+ s/g, '').replace(/\d{4}-\d\d-\d\d[T ][\d:.]+Z?/g, '');
    expect(html(merged)).to.equal(html(whole));

    // A shard missing, or given twice, is refused rather than merged into a smaller class.
    const outputs = shards.map(readCompareOutput);
    expect(() => mergeShards([outputs[0]!, outputs[2]!, outputs[2]!])).to.throw(UsageError, /shard 3\/3 is given twice/);
    expect(() => mergeShards([outputs[0]!, outputs[2]!])).to.throw(UsageError, /shard 2\/3 missing/);
  });
});
