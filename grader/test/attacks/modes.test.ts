// The attacks through the other ways of grading: the CLI a student or a CI
// job runs (npm run grade), and the TA's ta grade and ta compare on a student
// repository. Each keeps the honest grade and the grader's files, and puts
// its results on disk even when the grader is killed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoDir } from '../../registry.ts';
import { parseResults, type LessonResult, type Results } from '../../results.ts';
import { attackFile, attacks } from './attacks.ts';
import { changedSince, file, fingerprint, lesson, writeTarget } from './targets.ts';

const checks = ['bias-column', 'standardize', 'least-squares', 'mse-loss', 'gradient-formula'];
const buggy = readFileSync(join(repoDir, 'bugs', lesson, file), 'utf8');
/** A type error: a warning beside the grade, which it does not change. */
const typeError = `\nexport const typeWarning: number = 'not a number';\n`;
const warned = (lesson: LessonResult) => lesson.typeErrors?.some((error) => error.file === file && /'string' is not assignable to type 'number'/.test(error.message)) ?? false;
/** Every attack at once: each was shown harmless alone through npm run grade. */
const everyAttack = attackFile(buggy, ...Object.values(attacks)) + typeError;
const cli = (script: string, ...args: string[]) => [join(repoDir, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoDir, 'grader', 'cli', script), ...args];
const verdicts = (result: LessonResult) => result.checks.map((check) => `${check.id}: ${check.status} ${check.points}/${check.maxPoints}`);
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Student', '-c', 'user.email=student@example.invalid', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('attacks through npm run grade, ta grade and ta compare', function () {
  let untouched: Map<string, string>;
  let out: string;
  before(() => {
    untouched = fingerprint();
    out = mkdtempSync(join(tmpdir(), 'attack-modes-'));
  });
  afterEach(() => expect(changedSince(untouched)).to.deep.equal([]));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('npm run grade: --json into a folder that does not exist is refused before grading, with exit 2', () => {
    const run = spawnSync(process.execPath, cli('grade.ts', 'bugs', '--lesson', lesson, '--json', join(out, 'missing', 'r.json')), { cwd: repoDir, encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/--json .* the folder .*missing does not exist/);
    expect(run.stderr).not.to.include('graded');
  });

  it('npm run grade: student code cannot end the grader, and a grader killed later keeps the lessons it finished', async () => {
    const target = writeTarget('cli', attackFile(buggy, attacks['ending the grader: process.kill(process.ppid), its inspector, its process group']!) + typeError);
    // Lesson 02 never finishes importing (blocked, using no processor): the grader is killed while it waits.
    const logistic = join(repoDir, 'solutions', '02-logistic-regression', 'logistic-regression.ts');
    mkdirSync(join(target, '02-logistic-regression'));
    writeFileSync(join(target, '02-logistic-regression', 'logistic-regression.ts'), `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n${readFileSync(logistic, 'utf8')}`);
    const json = join(out, 'cli.json');
    const grader = spawn(process.execPath, cli('grade.ts', target, '--lesson', lesson, '02-logistic-regression', '--json', json), { cwd: repoDir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    try {
      await new Promise<void>((resolve, reject) => {
        grader.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes(`graded ${lesson}`)) resolve();
        });
        grader.on('exit', (code, signal) => reject(new Error(`the grader ended (${code ?? signal}) before lesson 01 was graded:\n${stderr}`)));
      });
      // Written just after the line is printed.
      for (let waited = 0; !existsSync(json) && waited < 10_000; waited += 50) await new Promise((done) => setTimeout(done, 50));
      const partial = parseResults(readFileSync(json, 'utf8'), json);
      expect(partial.partial).to.equal(true);
      expect(partial.lessons.map((l) => l.id)).to.deep.equal([lesson]);
      expect(warned(partial.lessons[0]!), 'the type error noted').to.equal(true);
      grader.kill('SIGKILL');
      await new Promise((done) => grader.once('exit', done));
      expect(parseResults(readFileSync(json, 'utf8'), json).lessons[0]!.points).to.equal(partial.lessons[0]!.points);
    } finally {
      grader.kill('SIGKILL');
      rmSync(target, { recursive: true, force: true });
    }
  });

  describe('ta grade and ta compare of a student repository', function () {
    let student: string;
    before(() => {
      student = join(out, 'student');
      execFileSync('git', ['clone', '--quiet', '--shared', repoDir, student]);
      const branch = (name: string, text: string, tamper = false) => {
        git(student, 'checkout', '--quiet', '-b', name, 'HEAD');
        writeFileSync(join(student, 'exercise', lesson, file), text);
        if (tamper) writeFileSync(join(student, 'grader', 'lessons', lesson, 'reference.json'), '{');
        git(student, 'commit', '--quiet', '-am', name);
        git(student, 'checkout', '--quiet', '-');
      };
      branch('honest', buggy);
      branch('attacker', everyAttack, true);
    });

    const taArgs = ['--lesson', lesson, '--variant', 'exercise', '--check', ...checks];
    const lessonOf = (results: Results) => results.lessons.find((l) => l.id === `exercise/${lesson}`)!;
    const compared = () => join(out, 'compare');
    const read = (name: string) => parseResults(readFileSync(join(compared(), 'results', `${name}.json`), 'utf8'), name);

    let comparison: ReturnType<typeof spawnSync>;
    // ta grade's test compares with the honest grade from here too.
    before(() => {
      comparison = spawnSync(process.execPath, cli('ta.ts', 'compare', `${student}#honest`, `${student}#attacker`, ...taArgs, '--jobs', '2', '--out', compared()), { cwd: repoDir, encoding: 'utf8' });
    });

    it('ta compare: the honest grade for each, every result on disk', () => {
      expect(comparison.status, String(comparison.stderr)).to.equal(0);
      expect(existsSync(join(compared(), 'compare.html'))).to.equal(true);
      expect(verdicts(lessonOf(read('student-attacker')))).to.deep.equal(verdicts(lessonOf(read('student-honest'))));
      expect(warned(lessonOf(read('student-attacker'))), 'the type error noted').to.equal(true);
      expect(lessonOf(read('student-honest')).typeErrors, 'a file without type errors has no warning').to.equal(undefined);
    });

    it('ta grade: the honest grade, the tampered reference listed and not used, results on disk, stale checkouts and the graded copy removed', () => {
      // A checkout left by a grader that was killed: its process is gone.
      const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
      const stale = mkdtempSync(join(tmpdir(), 'grade-submission-'));
      writeFileSync(`${stale}.owner`, String(dead));
      const json = join(out, 'ta-attacker.json');
      const run = spawnSync(process.execPath, cli('ta.ts', 'grade', `${student}#attacker`, ...taArgs, '--json', json), { cwd: repoDir, encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(1);
      const attacker = parseResults(readFileSync(json, 'utf8'), json);
      // The honest submission's grade, from ta compare above.
      expect(verdicts(lessonOf(attacker))).to.deep.equal(verdicts(lessonOf(read('student-honest'))));
      expect(run.stderr).to.include(`grader/lessons/${lesson}/reference.json`);
      expect(warned(lessonOf(attacker)), 'the type error noted').to.equal(true);
      expect(run.stdout).to.match(/WARN {2}\d+ type errors? in your files \(tsc; no points taken/);
      expect(existsSync(stale), 'a stale checkout removed').to.equal(false);
      expect(existsSync(join(repoDir, '.cache', 'submissions', 'student-attacker')), 'the graded copy removed').to.equal(false);
    });
  });
});
