// Publishes the course in the original repository's layout: three branches,
// `main` (the exercise), `working` (the solution) and `bugs`, whose lesson
// files sit at the same paths (exercise/<lesson>/) so that `git diff main
// working` is exactly the solutions and `git diff working bugs` exactly the
// planted bugs; and the student template (no solutions) that the Classroom 50
// and Gradescope publishers build on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { lessonBugs } from '../catalog.ts';
import { lessonIds, repoDir } from '../registry.ts';
import { UsageError } from '../target.ts';
import { expectedVariants, lessonWithBugs, solutionLessons } from '../variants/generate.ts';

/**
 * Course files that no published repository carries: the sources of the
 * variants, tests, the course's own CI, and the instructor's tools
 * (grader/instructor/), which run the solutions' code.
 */
const NOT_PUBLISHED = [/^solutions\//, /^exercise\//, /^bugs\//, /^grader\/test\//, /^lib\/test\//, /^\.ci\//, /^\.github\//, /^\.mocharc\.json$/, /^README\.md$/, /^\.cache\//, /^out\//, /^grader\/instructor\//];

/** Scripts that need solutions/ or the course's tests: left out of published package.json files. */
const COURSE_ONLY_SCRIPTS = ['variants', 'calibrate', 'mutants'];

export const WITHHELD = '(withheld: the correct code is not published)';

export const AUTHOR = { GIT_AUTHOR_NAME: 'Course publisher', GIT_AUTHOR_EMAIL: 'publisher@example.invalid', GIT_COMMITTER_NAME: 'Course publisher', GIT_COMMITTER_EMAIL: 'publisher@example.invalid' };

function courseFiles(): string[] {
  // What git tracks, and new files it does not ignore: no walk through
  // node_modules or caches, which other processes may be changing meanwhile.
  const run = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`publishing needs the course's git repository: git ls-files failed: ${run.stderr.trim()}`);
  const listed = [...new Set(run.stdout.split('\0').filter(Boolean))].filter((path) => existsSync(join(repoDir, path)));
  return listed.filter((path) => !NOT_PUBLISHED.some((pattern) => pattern.test(path))).sort();
}

/** What every published branch and the template share, with the course-only parts taken out. */
export async function commonFiles(extraScripts: Record<string, string> = {}): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const path of courseFiles()) {
    // The grader imports each lesson's contract (lib/contracts/), never a variant: published as it is.
    files.set(path, readFileSync(join(repoDir, path), 'latin1'));
  }
  for (const lesson of lessonIds()) {
    const bugs = await lessonBugs(lesson);
    if (bugs.length === 0) continue;
    // Hints still work (they look for the planted text); the fix itself is not published.
    const published = bugs.map((bug) => ({ ...bug, patch: { find: WITHHELD, replace: bug.patch.replace } }));
    files.set(
      `grader/lessons/${lesson}/bugs.ts`,
      utf8(
        `// The planted bugs of ${lesson}, as published: the correct code of each is withheld.\nimport type { BugInput } from '../../catalog.ts';\n\nexport default ${JSON.stringify(published, null, 2)} satisfies BugInput[];\n`,
      ),
    );
  }
  const pkg = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const script of COURSE_ONLY_SCRIPTS) delete pkg.scripts[script];
  pkg.scripts.test = 'npm run typecheck';
  pkg.scripts.ta ??= 'tsx grader/cli/ta.ts';
  Object.assign(pkg.scripts, extraScripts);
  files.set('package.json', utf8(JSON.stringify(pkg, null, 2) + '\n'));
  return files;
}

export function writeTree(dir: string, files: Map<string, string>): void {
  for (const entry of readdirSync(dir)) if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
  for (const [path, text] of files) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, 'latin1');
  }
}

export function emptyTarget(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty; give a new or empty folder`);
  mkdirSync(dir, { recursive: true });
}

export const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

const BRANCHES_README = (lessons: string[]) => `# Deep learning in TypeScript

Three branches, one course:

- \`main\`: the exercises. Each lesson in \`exercise/<lesson>/\` has TODOs where you write code.
- \`working\`: the same files, solved.
- \`bugs\`: the solution with common training bugs planted in it. Find and fix them.

\`git diff main working\` shows exactly the solutions; \`git diff working bugs\` exactly the planted bugs.

\`\`\`
npm ci
npm run grade                          # grade every lesson in exercise/
npm run grade -- --lesson ${lessons[0] ?? '03-cnn'}
npm run train -- ${lessons[0] ?? '03-cnn'}                 # the full training run, with a progress bar
\`\`\`

Lessons: ${lessons.join(', ')}.
`;

const TEMPLATE_README = (lessons: string[]) => `# Deep learning in TypeScript: your assignment

- \`exercise/<lesson>/\`: fill in the TODOs.
- \`bugs/<lesson>/\`: working code with bugs planted in it. Find and fix them.

Grade on your own machine first; every push is graded again (see the Actions tab or
your submission's release: points per check and your loss curves against the reference):

\`\`\`
npm ci
npm run grade -- exercise
npm run grade -- bugs
npm run hint -- ${lessons[0] ?? '03-cnn'}                      # a hint for the next bug
\`\`\`

What is graded: every file inside \`exercise/<lesson>/\` and \`bugs/<lesson>/\`, including
files you add there yourself (a helper module your solution imports, say). Keep your work
inside those folders: the grader, \`lib/\`, the data and the references are the course's own,
and changes to them are not used (they are listed for your teacher).

Lessons: ${lessons.join(', ')}.
`;

/** The student template: exercise/ and bugs/, the grader and its references, lib/; no solutions. */
export async function templateFiles(): Promise<Map<string, string>> {
  const lessons = solutionLessons();
  const files = await commonFiles();
  files.set('README.md', utf8(TEMPLATE_README(lessons)));
  for (const [path, text] of await expectedVariants()) files.set(path.split('\\').join('/'), utf8(text));
  return files;
}

/** The student template for plain GitHub Actions: the template with the grading workflow. */
export async function publishActionsTemplate(dir: string): Promise<number> {
  const files = await templateFiles();
  files.set('.github/workflows/grade.yml', readFileSync(join(repoDir, '.github', 'workflows', 'grade.yml'), 'latin1'));
  await commitTree(dir, files, 'Assignment template');
  return files.size;
}

/** Writes `files` into a new repository at `dir` with one commit. */
export async function commitTree(dir: string, files: Map<string, string>, message: string): Promise<void> {
  emptyTarget(dir);
  writeTree(dir, files);
  const git = simpleGit(dir).env({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...AUTHOR });
  await git.raw(['init', '--quiet', '--initial-branch=main']);
  await git.raw(['add', '-A']);
  await git.raw(['commit', '--quiet', '-m', message]);
}

/** The three-branch repository. Returns the branch names. */
export async function publishBranches(dir: string): Promise<string[]> {
  emptyTarget(dir);
  const lessons = solutionLessons();
  const common = await commonFiles();
  common.set('README.md', utf8(BRANCHES_README(lessons)));
  const variants = await expectedVariants();
  const lessonFiles = async (branch: 'main' | 'working' | 'bugs') => {
    const files = new Map<string, string>();
    for (const lesson of lessons) {
      const bugs = branch === 'bugs' ? await lessonBugs(lesson) : [];
      const solved = lessonWithBugs(lesson, bugs);
      for (const [file, text] of solved) {
        // The lesson README is the same on every branch, so the diffs hold code only.
        const exercise = variants.get(join('exercise', lesson, file));
        const chosen = branch === 'main' && !file.endsWith('.md') ? exercise ?? text : text;
        files.set(`exercise/${lesson}/${file}`, utf8(chosen));
      }
    }
    return files;
  };
  const git = simpleGit(dir).env({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...AUTHOR });
  await git.raw(['init', '--quiet', '--initial-branch=main']);
  const branches = ['main', 'working', 'bugs'] as const;
  for (const [index, branch] of branches.entries()) {
    if (index > 0) await git.raw(['checkout', '--quiet', '-b', branch]);
    writeTree(dir, new Map([...common, ...(await lessonFiles(branch))]));
    await git.raw(['add', '-A']);
    const message = { main: 'The exercises', working: 'The solutions', bugs: 'Planted bugs' }[branch];
    await git.raw(['commit', '--quiet', '-m', message]);
  }
  await git.raw(['checkout', '--quiet', 'main']);
  return [...branches];
}
