// Publishing the course: the original three-branch layout, whose diffs are
// exactly the solutions and exactly the planted bugs, and the student template
// without solutions. Checked without installing, then one branch is graded.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { lessonBugs } from '../../catalog.ts';
import { repoDir } from '../../registry.ts';
import { commitTree, publishActionsTemplate, publishBranches, templateFiles, WITHHELD } from '../../ta/publish.ts';
import { expectedVariants, lessonWithBugs, solutionLessons } from '../../variants/generate.ts';
import { toExercise, withoutMarkers } from '../../variants/student-regions.ts';
import { useTemporaryFolder } from '../temporary-folder.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
const lines = (text: string) => text.split('\n').filter(Boolean);

function solutionFiles(): { lesson: string; file: string; source: string }[] {
  return solutionLessons().flatMap((lesson) =>
    readdirSync(join(repoDir, 'solutions', lesson), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => {
        const file = join(entry.parentPath, entry.name).slice(join(repoDir, 'solutions', lesson).length + 1);
        return { lesson, file, source: readFileSync(join(repoDir, 'solutions', lesson, file), 'utf8') };
      }),
  );
}

describe('TA tools: publish', function () {
  let root: string;
  useTemporaryFolder('publish-', (folder) => (root = folder));

  describe('--branches', () => {
    let dir: string;
    before(async () => {
      dir = join(root, 'branches');
      await publishBranches(dir);
    });

    it('has the branches main, working and bugs, with the lessons at the same paths', () => {
      expect(lines(git(dir, 'branch', '--format=%(refname:short)')).sort()).to.deep.equal(['bugs', 'main', 'working']);
      for (const { lesson, file, source } of solutionFiles()) {
        const path = `exercise/${lesson}/${file}`;
        const name = `solutions/${lesson}/${file}`;
        expect(git(dir, 'show', `main:${path}`), path).to.equal(toExercise(source, name));
        expect(git(dir, 'show', `working:${path}`), path).to.equal(withoutMarkers(source, name));
      }
    });

    it('git diff main working is exactly the solutions: only lesson files with student regions, nothing else', () => {
      const withRegions = solutionFiles()
        .filter(({ lesson, file, source }) => toExercise(source, `${lesson}/${file}`) !== withoutMarkers(source, `${lesson}/${file}`))
        .map(({ lesson, file }) => `exercise/${lesson}/${file}`)
        .sort();
      expect(lines(git(dir, 'diff', '--name-only', 'main', 'working')).sort()).to.deep.equal(withRegions);
      expect(spawnSync('git', ['grep', '-n', '-e', '>>> student', '-e', '<<< student', 'working', '--', 'exercise'], { cwd: dir, encoding: 'utf8' }).stdout.trim()).to.equal('');
    });

    it('git diff working bugs is exactly the planted bugs', async () => {
      const changed = lines(git(dir, 'diff', '--name-only', 'working', 'bugs')).sort();
      const expected: string[] = [];
      for (const lesson of solutionLessons()) {
        const bugs = await lessonBugs(lesson);
        const planted = lessonWithBugs(lesson, bugs);
        for (const file of new Set(bugs.map((bug) => bug.file))) {
          const path = `exercise/${lesson}/${file}`;
          expected.push(path);
          expect(git(dir, 'show', `bugs:${path}`), path).to.equal(planted.get(file));
          const diff = git(dir, 'diff', '-U0', 'working', 'bugs', '--', path).split('\n');
          const removed = diff.filter((line) => line.startsWith('-') && !line.startsWith('---')).map((line) => line.slice(1).trim());
          const added = diff.filter((line) => line.startsWith('+') && !line.startsWith('+++')).map((line) => line.slice(1).trim());
          const ofFile = bugs.filter((bug) => bug.file === file);
          // Each changed line is (part of) some bug's patch: its find text on the working side, its replacement on the bugs side.
          const touches = (line: string, text: string) => text.includes(line) || text.split('\n').some((part) => part.trim() && line.includes(part.trim()));
          for (const line of removed) expect(ofFile.some((bug) => touches(line, bug.patch.find)), `${path}: -${line}`).to.equal(true);
          for (const line of added) expect(ofFile.some((bug) => touches(line, bug.patch.replace)), `${path}: +${line}`).to.equal(true);
        }
      }
      expect(changed).to.deep.equal(expected.sort());
    });

    it('gives every branch the same grader, lib and package files, and no solutions/ or bugs/ folder', () => {
      expect(git(dir, 'diff', '--name-only', 'main', 'bugs', '--', '.', ':!exercise').trim()).to.equal('');
      const tree = lines(git(dir, 'ls-tree', '-r', '--name-only', 'main'));
      expect(tree.filter((path) => /^(solutions|bugs)\//.test(path))).to.deep.equal([]);
      // The grader depends on the lessons' contracts, not on solutions/: nothing had to be rewritten to publish it.
      const grep = spawnSync('git', ['grep', '-l', '-E', "from '(\\.\\./)+solutions/", 'main', '--', 'grader'], { cwd: dir, encoding: 'utf8' });
      expect(grep.status, grep.stderr).to.equal(1); // git grep: 1 is "nothing found"
      expect(tree).to.include.members(['package.json', 'package-lock.json', 'tsconfig.json', 'grader/grade.ts', 'lib/tf.ts']);
      const pkg = JSON.parse(git(dir, 'show', 'main:package.json')) as { scripts: Record<string, string> };
      expect(pkg.scripts).to.include.keys(['grade', 'train', 'hint']);
      expect(pkg.scripts).not.to.have.any.keys(['variants', 'calibrate', 'mutants']);
    });

    it('grades its working branch on its own, with its own grader and lib', () => {
      const checkout = join(root, 'working');
      git(dir, 'worktree', 'add', '--quiet', checkout, 'working');
      // Installing is npm ci; the test borrows this repository's node_modules instead.
      symlinkSync(join(repoDir, 'node_modules'), join(checkout, 'node_modules'));
      const script = `import { grade } from './grader/grade.ts';
const results = await grade({ targetDir: 'exercise', targetName: 'exercise', lessons: ['03-cnn'], checks: ['output-shape', 'data-preparation'] });
console.log(JSON.stringify(results.lessons[0].checks.map((check) => [check.id, check.status, check.message])));`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: checkout, encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(0);
      const checks = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as [string, string, string][];
      expect(checks.map(([id, status]) => [id, status])).to.deep.equal([
        ['output-shape', 'pass'],
        ['data-preparation', 'pass'],
      ]);
    });
  });

  describe('the student template (Classroom 50, Gradescope)', () => {
    let dir: string;
    before(async () => {
      dir = join(root, 'template');
      await commitTree(dir, await templateFiles(), 'Assignment template');
    });

    it('has exercise/, bugs/, the grader with its references, and none of the course\'s own workflows', async () => {
      for (const [path, text] of await expectedVariants()) expect(readFileSync(join(dir, path), 'utf8'), path).to.equal(text);
      expect(existsSync(join(dir, '.github'))).to.equal(false);
      expect(existsSync(join(dir, 'grader', 'lessons', '03-cnn', 'checks.ts'))).to.equal(true);
      expect(existsSync(join(dir, 'grader', 'lessons', '03-cnn', 'reference.json'))).to.equal(existsSync(join(repoDir, 'grader', 'lessons', '03-cnn', 'reference.json')));
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).to.include('including\nfiles you add there yourself');
      expect(git(dir, 'log', '--oneline').trim().split('\n')).to.have.length(1);
    });

    it('for plain GitHub Actions, adds the grading workflow', async () => {
      const actions = join(root, 'actions');
      await publishActionsTemplate(actions);
      expect(readFileSync(join(actions, '.github', 'workflows', 'grade.yml'), 'utf8')).to.equal(readFileSync(join(repoDir, '.github', 'workflows', 'grade.yml'), 'utf8'));
      expect(existsSync(join(actions, 'solutions'))).to.equal(false);
    });

    it('holds no solution: no solutions/ folder, no solved lesson file, fixes of planted bugs withheld', async () => {
      expect(existsSync(join(dir, 'solutions'))).to.equal(false);
      const everything = lines(git(dir, 'ls-files')).map((path) => readFileSync(join(dir, path), 'latin1'));
      for (const { lesson, file, source } of solutionFiles()) {
        const solved = withoutMarkers(source, `${lesson}/${file}`);
        if (solved === toExercise(source, `${lesson}/${file}`)) continue;
        expect(everything.some((text) => text === Buffer.from(solved).toString('latin1')), `${lesson}/${file}`).to.equal(false);
      }
      const published = (await import(join(dir, 'grader', 'lessons', '03-cnn', 'bugs.ts'))) as { default: { patch: { find: string } }[] };
      expect(published.default.length).to.be.greaterThan(0);
      for (const bug of published.default) expect(bug.patch.find).to.equal(WITHHELD);
    });
  });
});
