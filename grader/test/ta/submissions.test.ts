// Grading submissions from git with the trusted grader: refs, clones, clear
// errors, tampering, temporary checkouts removed, and parallel comparison in
// worker processes with time and memory limits. Only cheap checks run here.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoDir } from '../../registry.ts';
import { UsageError } from '../../target.ts';
import { parseSource } from '../../ta/checkout.ts';
import { compareCsv, compareHtml } from '../../ta/compare-report.ts';
import { compareSubmissions } from '../../ta/compare.ts';
import { gradeSubmission, type SubmissionReport } from '../../ta/submission.ts';
import { fixtureResults } from '../reporters/fixtures.ts';
import { makeFixtureRepo, type FixtureRepo } from './fixture-repo.ts';

// Without tsc's warnings (tested in attacks/modes.test.ts): its program would take much of the 20 s a submission gets below.
// Only exercise/, which every test below reads: grading the branches' untouched bugs/ too cost a sandbox per submission.
const cheap = { lessons: ['03-cnn'], checks: ['output-shape', 'data-preparation'], variants: ['exercise' as const], typeCheck: false };
const checkouts = () => readdirSync(tmpdir()).filter((dir) => dir.startsWith('grade-submission-'));
const worktrees = () => execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: repoDir, encoding: 'utf8' });
const statusOf = (report: SubmissionReport, lesson: string, check: string) =>
  report.results?.lessons.find((l) => l.id === lesson)?.checks.find((c) => c.id === check)?.status;

describe('TA tools: submissions', function () {
  let repo: FixtureRepo;
  before(() => {
    repo = makeFixtureRepo();
  });
  after(() => repo.remove());

  it('says clearly when a submission names nothing that exists', async () => {
    const cases: [string, RegExp][] = [
      ['no-such-branch', /not a branch or commit of this repository, a directory, or a URL/],
      ['../no/such/folder#main', /neither a directory nor a URL/],
      [join(repoDir, 'package.json'), /is a file, not a repository, folder or .zip/],
      [`${repo.dir}#`, /names no ref after it/],
    ];
    for (const [spec, message] of cases) {
      const error = await parseSource(spec).then(() => undefined, (e: Error) => e);
      expect(error, spec).to.be.instanceOf(UsageError);
      expect(error!.message, spec).to.match(message);
    }
    const missingRef = await gradeSubmission(`${repo.dir}#no-such-branch`, cheap).then(() => undefined, (e: Error) => e);
    expect(missingRef!.message).to.match(/has no branch, tag or commit "no-such-branch"/);
  });

  it('grades a clone of a student repository with the trusted grader, lists tampering, and removes the clone', async () => {
    const temporary: string[] = [];
    const report = await gradeSubmission(`${repo.dir}#good`, { ...cheap, keep: true, onTemporary: (dir) => temporary.push(dir) });
    expect(statusOf(report, 'exercise/03-cnn', 'output-shape')).to.equal('pass');
    expect(statusOf(report, 'exercise/03-cnn', 'data-preparation')).to.equal('pass');
    expect(report.tampering).to.deep.equal(['grader/checks/trace.ts']);
    const diff = report.files.find((file) => file.path === 'exercise/03-cnn/cnn.ts')!;
    expect(diff.diff).to.equal('');
    // The graded copy (kept when asked) sits inside this repository, so `#lib` resolves to the trusted lib/.
    const graded = join(repoDir, '.cache', 'submissions', report.name);
    expect(existsSync(join(graded, 'exercise', '03-cnn', 'cnn.ts'))).to.equal(true);
    rmSync(graded, { recursive: true, force: true });
    expect(temporary).to.have.length(1);
    expect(existsSync(temporary[0]!)).to.equal(false);
  });

  it('grades a commit of this repository in a temporary worktree, and removes it', async () => {
    const before = worktrees();
    const temporary: string[] = [];
    const report = await gradeSubmission('HEAD', { ...cheap, onTemporary: (dir) => temporary.push(dir) });
    expect(statusOf(report, 'exercise/03-cnn', 'output-shape')).to.equal('error');
    expect(report.results!.lessons.find((l) => l.id === 'exercise/03-cnn')!.checks[0]!.message).to.include('not implemented');
    expect(report.tampering).to.deep.equal([]);
    expect(existsSync(temporary[0]!)).to.equal(false);
    expect(worktrees()).to.equal(before);
  });

  it('removes the temporary worktree when the TA presses Ctrl-C in the middle of grading', async () => {
    const before = worktrees();
    const child = spawn(process.execPath, ['--import', 'tsx', 'grader/cli/ta.ts', 'grade', 'HEAD', '--lesson', '03-cnn'], {
      cwd: repoDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((done) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // bugs/ trains the CNN for a while: interrupt then.
        if (stderr.includes('grading bugs/')) done();
      }),
    );
    expect(worktrees()).not.to.equal(before);
    await new Promise((done) => setTimeout(done, 1500));
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(stderr).to.include('SIGINT: removing temporary checkouts');
    expect(worktrees()).to.equal(before);
  });

  it('compares submissions in parallel workers: a memory hog, a hang and a bad ref cost only their own rows', async () => {
    const artifacts = mkdtempSync(join(tmpdir(), 'ta-artifacts-'));
    try {
      // What students' GitHub Actions runs upload: results files, compared without grading again.
      writeFileSync(join(artifacts, 'carol.json'), JSON.stringify(fixtureResults('exercise', 0.5)));
      mkdirSync(join(artifacts, 'dave'));
      writeFileSync(join(artifacts, 'dave', 'results-exercise.json'), JSON.stringify(fixtureResults('exercise', 1)));
      writeFileSync(join(artifacts, 'dave', 'results-bugs.json'), JSON.stringify(fixtureResults('bugs', 0.2)));
      const items = [`${repo.dir}#good`, `${repo.dir}#hog`, join(artifacts, 'carol.json'), join(artifacts, 'dave'), 'no-such-branch'];
      const reports = await compareSubmissions(items, { ...cheap, jobs: 2, memoryLimitMb: 1500, timeLimitMs: 120_000 });
      const [good, hog, carol, dave, bad] = reports;
      expect(good!.error).to.equal(undefined);
      expect(statusOf(good!, 'exercise/03-cnn', 'output-shape')).to.equal('pass');
      expect(good!.tampering).to.deep.equal(['grader/checks/trace.ts']);
      expect(hog!.error).to.match(/used \d+ MB, over the limit of 1500 MB/);
      expect(carol!.results!.lessons.map((l) => l.id)).to.deep.equal(['exercise/03-cnn']);
      expect(dave!.results!.lessons.map((l) => l.id)).to.deep.equal(['exercise/03-cnn', 'bugs/03-cnn']);
      expect(bad!.error).to.match(/not a branch or commit/);

      const html = compareHtml(reports);
      expect(html).to.include('id="submission-carol"');
      expect(compareCsv(reports).split('\n')[0]).to.include('exercise/03-cnn/output-shape');

      const hang = await compareSubmissions([`${repo.dir}#hang`], { ...cheap, timeLimitMs: 4000 });
      expect(hang[0]!.error).to.match(/did not finish within 4 s/);
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
    }
  });

  it('grades submission after submission in one worker: each apart from the others, a hang costs only its own row', async () => {
    const items = ['patch', 'good', 'hang', 'good'].map((branch) => `${repo.dir}#${branch}`);
    const progress: string[] = [];
    const before = checkouts();
    const reports = await compareSubmissions(items, { ...cheap, jobs: 1, timeLimitMs: 20_000, onProgress: (line) => progress.push(line) });
    const [patch, good, hang, again] = reports;
    // Its monkey-patch of tfjs is refused (tfjs's classes are frozen): its own file fails to load, and nobody else's.
    expect(statusOf(patch!, 'exercise/03-cnn', 'data-preparation'), patch!.error).to.equal('error');
    expect(patch!.results!.lessons[0]!.checks.find((c) => c.id === 'data-preparation')!.message).to.match(/read only property 'arraySync'/);
    expect(statusOf(good!, 'exercise/03-cnn', 'data-preparation')).to.equal('pass');
    expect(hang!.error).to.match(/did not finish within 20 s/);
    // The hung worker was killed and replaced.
    expect(again!.name).to.equal('student-good-2');
    expect(statusOf(again!, 'exercise/03-cnn', 'data-preparation')).to.equal('pass');
    expect(progress.filter((line) => line.includes('checking out'))).to.have.length(4);
    // The hung one's checkout too, which its killed worker could not remove.
    expect(checkouts().filter((dir) => !before.includes(dir))).to.deep.equal([]);
  });
});
