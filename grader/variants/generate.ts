// Generates exercise/ and bugs/ from solutions/ and the bug catalog. The
// generated folders are committed (students need them) and checked for drift.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { lessonBugs, loadCatalog, plantBug, type Patched } from '../catalog.ts';
import { loadLesson, repoDir } from '../registry.ts';
import { bugsReadme } from './bugs-readme.ts';
import { contractsKept, CONTRACTS_KEPT_PATH } from './contracts-kept.ts';
import { bugsTable, checksTable, withGenerated } from './readme-tables.ts';
import { toExercise, withoutMarkers } from './student-regions.ts';

const solutionsDir = join(repoDir, 'solutions');

/** Lesson folders of solutions/, e.g. ['01-linear-regression', '03-cnn']. */
export function solutionLessons(): string[] {
  return readdirSync(solutionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** A lesson's README with its checks-and-points table generated from the lesson's definition. */
async function lessonReadme(lesson: string): Promise<string> {
  const path = join('solutions', lesson, 'README.md');
  return withGenerated(readFileSync(join(repoDir, path), 'utf8'), 'checks', checksTable(await loadLesson(lesson)), path);
}

/** A lesson's files as a student of the solutions sees them: markers removed, `bugs` planted. */
export function lessonWithBugs(lesson: string, bugs: readonly Patched[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of filesUnder(join(solutionsDir, lesson))) {
    const source = readFileSync(join(solutionsDir, lesson, file), 'utf8');
    if (!file.endsWith('.ts')) {
      files.set(file, source);
      continue;
    }
    let text = withoutMarkers(source, `solutions/${lesson}/${file}`);
    for (const bug of bugs.filter((candidate) => candidate.file === file)) text = plantBug(text, bug);
    files.set(file, text);
  }
  for (const bug of bugs) {
    if (!files.has(bug.file)) throw new Error(`${bug.id}: solutions/${lesson}/${bug.file} does not exist`);
  }
  return files;
}

/** The generated lesson folders, exercise/ and bugs/, by path relative to the repository. */
export async function expectedVariants(): Promise<Map<string, string>> {
  const variant = /^(exercise|bugs)[\\/]/;
  return new Map([...(await expectedGenerated())].filter(([path]) => variant.test(path)));
}

/**
 * Every generated file, by path relative to the repository: the variants, the
 * READMEs whose tables are generated (the root README and each lesson's), and
 * the type test that every variant keeps its lesson's contract.
 */
export async function expectedGenerated(): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  expected.set('README.md', withGenerated(readFileSync(join(repoDir, 'README.md'), 'utf8'), 'bugs', bugsTable(await loadCatalog()), 'README.md'));
  expected.set(CONTRACTS_KEPT_PATH, contractsKept(await Promise.all(solutionLessons().map(loadLesson))));
  for (const lesson of solutionLessons()) {
    const readme = await lessonReadme(lesson);
    expected.set(join('solutions', lesson, 'README.md'), readme);
    for (const file of filesUnder(join(solutionsDir, lesson))) {
      const source = file === 'README.md' ? readme : readFileSync(join(solutionsDir, lesson, file), 'utf8');
      const exercise = file.endsWith('.ts') ? toExercise(source, `solutions/${lesson}/${file}`) : source;
      expected.set(join('exercise', lesson, file), exercise);
    }
    const bugs = await lessonBugs(lesson);
    for (const [file, text] of lessonWithBugs(lesson, bugs)) {
      expected.set(join('bugs', lesson, file), file === 'README.md' ? bugsReadme(lesson, readme, bugs.length) : text);
    }
  }
  return expected;
}

/** Generated lesson files that are on disk, whether or not they should be. */
function generatedOnDisk(): string[] {
  return ['exercise', 'bugs'].flatMap((variant) => {
    const dir = join(repoDir, variant);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => filesUnder(join(dir, entry.name)).map((file) => join(variant, entry.name, file)));
  });
}

/** Differences between the generated folders on disk and what they should be. */
export async function variantDrift(): Promise<string[]> {
  const expected = await expectedGenerated();
  const drift: string[] = [];
  for (const [path, text] of expected) {
    const file = join(repoDir, path);
    if (!existsSync(file)) drift.push(`${path} is missing`);
    else if (readFileSync(file, 'utf8') !== text) drift.push(`${path} differs from what solutions/ and the catalog generate`);
  }
  for (const path of generatedOnDisk()) {
    if (!expected.has(path)) drift.push(`${path} is not generated from solutions/ (remove it, or add it to solutions/)`);
  }
  return drift;
}

export async function writeVariants(): Promise<string[]> {
  const expected = await expectedGenerated();
  for (const path of generatedOnDisk()) {
    if (!expected.has(path)) rmSync(join(repoDir, path));
  }
  const written: string[] = [];
  for (const [path, text] of expected) {
    const file = join(repoDir, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(path);
  }
  return written;
}
