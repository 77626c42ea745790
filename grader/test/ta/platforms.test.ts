// The platforms a class is graded on, end to end on lesson 01 (cheap checks):
// a published Classroom 50 assignment, whose autograder.py runs in a student's
// checkout with the variables the runner sets, and a Gradescope zip, whose
// run_autograder runs against a fake /autograder root. Each grades a correct,
// a broken and a crashing case, and leaves valid files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { unzipSync } from 'fflate';
import { repoDir } from '../../registry.ts';
import { Classroom50ResultSchema } from '../../reporters/classroom50.ts';
import { GradescopeResultsSchema } from '../../reporters/gradescope.ts';
import { publishClassroom50 } from '../../ta/publish-classroom50.ts';
import { publishGradescope } from '../../ta/publish-gradescope.ts';
import { withoutMarkers } from '../../variants/student-regions.ts';
import { useTemporaryFolder, writeWithFolders } from '../temporary-folder.ts';

const LESSON = '01-linear-regression';
const FILE = 'linear-regression.ts';
const CHECKS = ['bias-column', 'least-squares', 'loss-curve'];
const solved = () => withoutMarkers(readFileSync(join(repoDir, 'solutions', LESSON, FILE), 'utf8'), FILE);
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Student', '-c', 'user.email=student@example.invalid', ...args], { cwd, encoding: 'utf8' });

const write = writeWithFolders;

describe('platforms', function () {
  let root: string;
  useTemporaryFolder('platforms-', (folder) => (root = folder));

  describe('Classroom 50', () => {
    let published: { template: string; config: string };
    before(async () => {
      published = await publishClassroom50(join(root, 'c50'), { assignment: 'deep-learning', lessons: [LESSON], checks: CHECKS, variants: ['exercise'] });
    });

    it('publishes a template without solutions, the autograder with its course, and the runtime with Node.js', () => {
      expect(existsSync(join(published.template, 'solutions'))).to.equal(false);
      expect(readFileSync(join(published.template, 'exercise', LESSON, FILE), 'utf8')).not.to.equal(solved());
      expect(existsSync(join(published.template, '.github', 'workflows', 'autograde.yaml'))).to.equal(false);
      const bundle = join(published.config, 'autograders', 'deep-learning');
      expect(readFileSync(join(bundle, 'autograder.py'), 'utf8')).to.include(`GRADE_ARGS: list[str] = ["--lesson","${LESSON}","--check",${CHECKS.map((c) => `"${c}"`).join(',')},"--variant","exercise"]`);
      expect(existsSync(join(bundle, 'course', 'grader', 'grade.ts'))).to.equal(true);
      expect(existsSync(join(bundle, 'course', 'solutions'))).to.equal(false);
      const assignments = JSON.parse(readFileSync(join(published.config, 'assignments.json'), 'utf8'));
      expect(assignments.schema).to.equal('classroom50/assignments/v1');
      expect(assignments.assignments[0]).to.deep.include({ slug: 'deep-learning', mode: 'individual', autograder: 'default', runtime: { node: '24' } });
      expect(JSON.parse(readFileSync(join(published.config, 'runtime.json'), 'utf8'))).to.deep.equal({ node: '24' });
    });

    /** A student's repository made from the template, with `lesson` as their lesson file, graded as the runner grades it. */
    const defaultModules = join(repoDir, 'node_modules');
    function submit(name: string, lessonFile: string | undefined, nodeModules = defaultModules) {
      const checkout = join(root, name);
      git(root, 'clone', '--quiet', published.template, checkout);
      const file = join(checkout, 'exercise', LESSON, FILE);
      if (lessonFile === undefined) rmSync(file);
      else write(file, lessonFile);
      // A helper module of the student's own, imported by their solution: graded, not flagged.
      write(join(checkout, 'exercise', LESSON, 'helper.ts'), 'export const ONE = 1;\n');
      git(checkout, 'add', '-A');
      git(checkout, 'commit', '--quiet', '-m', 'my work');
      const sha = git(checkout, 'rev-parse', 'HEAD').trim();
      // One runner for the submissions graded with this repository's install: the first finds it fresh, as
      // on Classroom 50, and the others find the course already copied (autograder.py copies over it) with its
      // caches warm, where a fresh copy cost each some 5 s of processor transpiling the grader for the sandbox.
      const runnerTemp = join(root, nodeModules === defaultModules ? 'runner' : `${name}-runner`);
      // The runner's npm ci, borrowed from this repository's install.
      if (!existsSync(join(runnerTemp, 'course-grader', 'node_modules'))) {
        mkdirSync(join(runnerTemp, 'course-grader'), { recursive: true });
        symlinkSync(nodeModules, join(runnerTemp, 'course-grader', 'node_modules'));
      }
      const repository = `org/dl-deep-learning-${name}`;
      const env = {
        ...process.env,
        CLASSROOM: 'dl',
        ASSIGNMENT: 'deep-learning',
        ASSIGNMENT_TYPE: 'individual',
        USERNAME: name,
        OWNER: name,
        SUBMISSION_TAG: `submit/2026-12-02T08-00-00Z-${sha.slice(0, 7)}`,
        COMMIT_URL: `https://github.com/${repository}/commit/${sha}`,
        RELEASE_URL: `https://github.com/${repository}/releases/tag/submit`,
        GITHUB_REPOSITORY: repository,
        GITHUB_SHA: sha,
        GITHUB_ACTIONS: 'true',
        RUNNER_TEMP: runnerTemp,
      };
      const script = join(published.config, 'autograders', 'deep-learning', 'autograder.py');
      const run = spawnSync('python3', [script], { cwd: checkout, env, encoding: 'utf8' });
      const result = existsSync(join(checkout, 'result.json')) ? Classroom50ResultSchema.parse(JSON.parse(readFileSync(join(checkout, 'result.json'), 'utf8'))) : undefined;
      const body = existsSync(join(checkout, 'release-body.md')) ? readFileSync(join(checkout, 'release-body.md'), 'utf8') : '';
      return { run, result, body, sha };
    }

    it('grades a correct submission: full marks on exercise/, a valid result.json and release body, exit 0', () => {
      const { run, result, body } = submit('alice', solved().replace(/^/, "import { ONE } from './helper.ts';\nvoid ONE;\n"));
      expect(run.status, run.stderr).to.equal(0);
      const exercise = result!.tests.filter((test) => test['test-name'].startsWith(`exercise/${LESSON}`));
      expect(exercise.map((test) => [test.check, test.passed])).to.deep.equal(CHECKS.map((check) => [check, true]));
      expect(result).to.include({ owner: 'alice', assignment: 'deep-learning', classroom: 'dl' });
      expect(result!.score).to.equal(result!['max-score']);
      expect(body).to.include(`exercise/${LESSON}`);
      expect(body).to.include('| training done | your loss |');
      expect(run.stderr).not.to.include('possible tampering');
    });

    it('grades a submission that crashes on load: every check fails with a message, still exit 0', () => {
      const broken = submit('bob', 'export function broken( {\n');
      expect(broken.run.status, broken.run.stderr).to.equal(0);
      expect(broken.result!.tests).to.have.length(CHECKS.length);
      expect(broken.result!.tests.every((test) => !test.passed && test.score === 0 && String(test.message).length > 0)).to.equal(true);
      expect(broken.body).to.include('Not passing yet');
    });

    it('exits non-zero, for the runner to report an error rather than a grade, when grading cannot run', () => {
      // An install without the course's packages: the grader cannot start.
      const empty = join(root, 'no-packages');
      mkdirSync(empty, { recursive: true });
      const broken = submit('carol', solved(), empty);
      expect(broken.run.status).to.equal(1);
      expect(broken.result).to.equal(undefined);
      expect(broken.run.stderr).to.include('::error::the grader could not grade this submission');
    });
  });

  describe('Gradescope', () => {
    let source: string;
    before(async () => {
      const zip = join(root, 'autograder.zip');
      await publishGradescope(zip, { lessons: [LESSON], checks: CHECKS });
      source = join(root, 'source');
      for (const [path, data] of Object.entries(unzipSync(readFileSync(zip)))) if (!path.endsWith('/')) write(join(source, path), Buffer.from(data).toString('latin1'));
      // setup.sh's npm ci, borrowed from this repository's install.
      symlinkSync(join(repoDir, 'node_modules'), join(source, 'node_modules'));
    });

    /** Runs run_autograder on a fake /autograder root holding `files` as the submission. */
    function runAutograder(name: string, files: Record<string, string>, sourceDir = source) {
      const fake = join(root, name);
      mkdirSync(join(fake, 'submission'), { recursive: true });
      for (const [path, text] of Object.entries(files)) write(join(fake, 'submission', path), text);
      write(join(fake, 'submission_metadata.json'), JSON.stringify({ users: [{ email: `${name}@example.invalid`, name }] }));
      symlinkSync(sourceDir, join(fake, 'source'));
      const run = spawnSync('bash', [join(sourceDir, 'run_autograder')], { env: { ...process.env, AUTOGRADER_ROOT: fake }, encoding: 'utf8' });
      const doc = GradescopeResultsSchema.parse(JSON.parse(readFileSync(join(fake, 'results', 'results.json'), 'utf8')));
      return { run, doc };
    }

    it('holds setup.sh and run_autograder at its root, executable, and no solutions', () => {
      const entries = unzipSync(readFileSync(join(root, 'autograder.zip')));
      expect(entries).to.have.property('setup.sh');
      expect(entries).to.have.property('run_autograder');
      expect(Object.keys(entries).some((path) => path.startsWith('solutions/'))).to.equal(false);
      expect(spawnSync('bash', ['-n', join(source, 'setup.sh')]).status).to.equal(0);
    });

    it('grades a correct submission uploaded as a loose file, and a broken one', () => {
      const correct = runAutograder('gs-correct', { [FILE]: solved() });
      expect(correct.run.status, correct.run.stderr).to.equal(0);
      expect(correct.doc.tests!.map((test) => test.status)).to.deep.equal(CHECKS.map(() => 'passed'));
      expect(correct.doc.score).to.equal(correct.doc.tests!.reduce((sum, test) => sum + test.max_score!, 0));
      const recorded = correct.doc.extra_data!.results as { source: { student?: string }; grader: { platform: string } };
      expect(recorded.source.student).to.equal('gs-correct@example.invalid');
      expect(recorded.grader.platform).to.equal('gradescope');
      const broken = runAutograder('gs-broken', { [`exercise/${LESSON}/${FILE}`]: 'export const x = ;\n' });
      expect(broken.run.status).to.equal(0);
      expect(broken.doc.score).to.equal(0);
      expect(broken.doc.tests!.every((test) => test.status === 'failed' && test.output)).to.equal(true);
    });

    it('says what is missing: a lesson folder without its file, and an upload with no lesson file at all', () => {
      const missing = runAutograder('gs-missing', { [`exercise/${LESSON}/notes.md`]: 'my notes\n' });
      expect(missing.doc.score).to.equal(0);
      expect(missing.doc.tests!.some((test) => /missing|not found|cannot find/i.test(test.output ?? ''))).to.equal(true);
      const nothing = runAutograder('gs-nothing', { 'essay.txt': 'hello\n' });
      expect(nothing.doc.score).to.equal(0);
      expect(nothing.doc.output).to.match(/could not grade this submission: .*no lesson folders/);
    });

    it('still writes results.json when the grader itself crashes', () => {
      const crashed = join(root, 'crashed-source');
      execFileSync('cp', ['-R', source, crashed]);
      writeFileSync(join(crashed, 'grader', 'ta', 'platforms', 'gradescope-run.ts'), "throw new Error('the grader is broken');\n");
      const { run, doc } = runAutograder('gs-crash', { [FILE]: solved() }, crashed);
      expect(run.status).to.equal(0);
      expect(doc.score).to.equal(0);
      expect(doc.output).to.match(/could not grade this submission \(exit code 1\)/);
    });
  });
});
