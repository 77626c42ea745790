// Grades one submission with the TA's trusted grader, data and references:
// only the students' lesson files are taken from the submission, copied into a
// grading folder inside this repository (so their `#lib` imports resolve to
// this repository's lib/), over the course's own copy of each lesson folder.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { grade } from '../grade.ts';
import { lessonIds, loadLesson, repoDir } from '../registry.ts';
import { detectSource, type Source as ResultSource } from '../provenance.ts';
import { lessonFoldersIn, UsageError } from '../target.ts';
import { RESULTS_SCHEMA_VERSION, ResultsSchema, sumPoints, type Results } from '../results.ts';
import { withoutMarkers } from '../variants/student-regions.ts';
import { changedFiles, checkout, parseSource, sourceName, type Checkout, type Source } from './checkout.ts';
import { onCleanup } from './cleanup.ts';

/** The folders of a course checkout that hold student work, graded in this order. */
export const STUDENT_VARIANTS = ['exercise', 'bugs'] as const;

export interface StudentFileDiff {
  /** e.g. exercise/03-cnn/cnn.ts */
  path: string;
  /** Unified diff of the solution against the student's file; empty when they are the same. */
  diff: string;
  missing?: boolean;
}

export interface SubmissionReport {
  name: string;
  /** What the TA gave: a ref, a path or URL with #ref, or results files. */
  source: string;
  results?: Results;
  /** Why there are no results: the submission could not be checked out, crashed or hung. */
  error?: string;
  /** Files changed outside the student lesson folders: possible tampering. */
  tampering: string[];
  /** For each of them, what changed: "added, 12 lines" or "+3 -1 lines". */
  tamperingSummary?: Record<string, string>;
  files: StudentFileDiff[];
  durationMs: number;
}

export interface GradeSubmissionOptions {
  lessons?: readonly string[];
  checks?: readonly string[];
  seed?: number;
  /** Grade only these of the submission's folders (default: every one it has). */
  variants?: readonly (typeof STUDENT_VARIANTS)[number][];
  /** Overrides the name derived from the source (folder under .cache/submissions). */
  name?: string;
  /** Told the temporary checkout folder as soon as it exists (so a parent can remove it after a kill). */
  onTemporary?: (dir: string) => void;
  onProgress?: (line: string) => void;
  /** Keep the graded copy of the student's files in .cache/submissions/<name>/ (removed by default). */
  keep?: boolean;
  /** The results so far, after every lesson, to be written to disk as grading goes. */
  onPartial?: (results: Results) => void;
  /** tsc's warnings on the student's files (default on); off saves a TypeScript program per submission. */
  typeCheck?: boolean;
}

export interface StudentFile {
  variant: (typeof STUDENT_VARIANTS)[number];
  lesson: string;
  file: string;
  path: string;
}

/** Every student lesson file of the course, e.g. exercise/03-cnn/cnn.ts and bugs/03-cnn/cnn.ts. */
export async function studentFiles(lessons?: readonly string[]): Promise<StudentFile[]> {
  const out: StudentFile[] = [];
  const ids = lessons?.length ? lessons : lessonIds();
  for (const variant of STUDENT_VARIANTS) {
    for (const lesson of ids) {
      const definition = await loadLesson(lesson);
      for (const file of definition.files) out.push({ variant, lesson, file, path: `${variant}/${lesson}/${file}` });
    }
  }
  return out;
}

/** The results of several variants of one submission as one document; lesson ids become `<variant>/<lesson>`. */
export function combineResults(target: string, parts: readonly Results[], source?: ResultSource): Results {
  const lessons = parts.flatMap((part) => {
    const variant = part.target.split(/[\\/]/).filter(Boolean).at(-1) ?? part.target;
    return part.lessons.map((lesson) => (lesson.id.includes('/') ? lesson : { ...lesson, id: `${variant}/${lesson.id}` }));
  });
  const graded = parts.map((part) => part.gradedAt).filter((time) => time !== undefined).sort();
  return ResultsSchema.parse({
    schemaVersion: RESULTS_SCHEMA_VERSION,
    target,
    source: source ?? parts.find((part) => Object.keys(part.source).length > 0)?.source ?? {},
    grader: parts.find((part) => part.grader)?.grader,
    gradedAt: graded.at(-1),
    backend: parts.find((part) => part.backend !== 'unknown')?.backend ?? 'unknown',
    seed: parts[0]?.seed ?? 0,
    ...sumPoints(lessons),
    lessons,
  });
}

export async function gradeSubmission(spec: string, options: GradeSubmissionOptions = {}): Promise<SubmissionReport> {
  const started = Date.now();
  const source = await parseSource(spec);
  const name = options.name ?? sourceName(source);
  const report: SubmissionReport = { name, source: spec, tampering: [], files: [], durationMs: 0 };
  const lessons = options.lessons?.length ? [...options.lessons] : lessonIds();
  const wanted = await studentFiles(lessons);
  options.onProgress?.(`${name}: checking out ${describe(source)}`);
  const work = await checkout(source, options.onTemporary);
  // Students' code is kept no longer than it is needed, unless the TA asks.
  const gradingDir = join(repoDir, '.cache', 'submissions', name);
  const removeGradingDir = onCleanup(() => {
    if (!options.keep) rmSync(gradingDir, { recursive: true, force: true });
  });
  try {
    const roots = variantRoots(work.dir);
    if (roots.size === 0) {
      throw new UsageError(
        `"${spec}" has no lesson folders; a submission holds exercise/<lesson>/ and bugs/<lesson>/ (a checkout of the course's template), ` +
          `or lesson folders such as ${lessons.slice(0, 2).join('/ and ')}/ at its top`,
      );
    }
    const inLessonFolder = (path: string) =>
      [...roots].some(([, root]) => {
        const inside = relative(work.dir, root).split(sep).join('/');
        const rest = inside ? (path.startsWith(`${inside}/`) ? path.slice(inside.length + 1) : undefined) : path;
        return rest !== undefined && lessonIds().some((lesson) => rest.startsWith(`${lesson}/`));
      });
    report.tampering = (await changedFiles(work)).filter((path) => !inLessonFolder(path));
    report.tamperingSummary = Object.fromEntries(report.tampering.map((path) => [path, changeSummary(join(repoDir, path), join(work.dir, path))]));
    rmSync(gradingDir, { recursive: true, force: true });
    const parts: Results[] = [];
    for (const variant of STUDENT_VARIANTS.filter((v) => !options.variants?.length || options.variants.includes(v))) {
      const root = roots.get(variant);
      if (!root) continue;
      const files = wanted.filter((file) => file.variant === variant);
      const variantLessons = [...new Set(files.map((file) => file.lesson))];
      for (const lesson of variantLessons) {
        const into = join(gradingDir, variant, lesson);
        copyTrustedLesson(variant, lesson, into);
        // A deleted file is graded as missing, not replaced by the course's copy.
        for (const file of files.filter((candidate) => candidate.lesson === lesson)) rmSync(join(into, file.file), { force: true });
        copyStudentFolder(join(root, lesson), into);
      }
      for (const file of files) {
        const submitted = join(root, file.lesson, file.file);
        report.files.push(diffAgainstSolution(file, existsSync(submitted) ? readFileSync(submitted, 'utf8') : undefined));
      }
      options.onProgress?.(`${name}: grading ${variant}/ (${variantLessons.join(', ')})`);
      parts.push(
        await grade({
          targetDir: join(gradingDir, variant),
          targetName: variant,
          lessons: variantLessons,
          checks: options.checks,
          seed: options.seed,
          typeCheck: options.typeCheck ?? true,
          onPartial: (partial) => options.onPartial?.({ ...combineResults(name, [...parts, partial]), partial: true }),
        }),
      );
      options.onPartial?.({ ...combineResults(name, parts), partial: true });
    }
    if (parts.length === 0) throw new UsageError(`"${spec}" has none of the folders asked for (${options.variants?.join(', ')})`);
    report.results = combineResults(name, parts, await submissionSource(source, work));
  } finally {
    removeGradingDir();
    work.remove();
    report.durationMs = Date.now() - started;
  }
  return report;
}

function describe(source: Source): string {
  if (source.kind === 'ref') return `${source.ref} into a temporary worktree`;
  if (source.kind === 'repo') return `${source.location}${source.ref ? `#${source.ref}` : ''} into a temporary clone`;
  return `the folder ${source.path}`;
}

/**
 * Where the submission keeps each variant's lesson folders: exercise/ and bugs/
 * of a checkout, or the folder itself when lesson folders sit at its top (a
 * copy of one variant, named after it, else taken for the exercise).
 */
export function variantRoots(dir: string): Map<(typeof STUDENT_VARIANTS)[number], string> {
  const roots = new Map<(typeof STUDENT_VARIANTS)[number], string>();
  for (const variant of STUDENT_VARIANTS) if (lessonFoldersIn(join(dir, variant)).length) roots.set(variant, join(dir, variant));
  if (roots.size === 0 && lessonFoldersIn(dir).length) roots.set(basename(dir) === 'bugs' ? 'bugs' : 'exercise', dir);
  return roots;
}

/** Every regular file the student put in a lesson folder, over the course's copy; the lesson README stays the course's. */
function copyStudentFolder(from: string, into: string): void {
  if (!existsSync(from)) return;
  for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
    // Symbolic links could point anywhere on the TA's machine: only real files are taken.
    if (!entry.isFile()) continue;
    const path = relative(from, join(entry.parentPath, entry.name));
    if (path === 'README.md' || path.split(sep).includes('node_modules')) continue;
    mkdirSync(dirname(join(into, path)), { recursive: true });
    copyFileSync(join(from, path), join(into, path));
  }
}

/** What changed in a file, counted in lines: enough for a TA to judge whether to look. */
export function changeSummary(courseFile: string, submittedFile: string): string {
  const lines = (file: string) => (existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8').split('\n') : undefined);
  const after = lines(submittedFile);
  const before = lines(courseFile);
  if (!after) return 'removed';
  if (!before) return `added, ${after.length} lines`;
  const left = new Map<string, number>();
  for (const line of before) left.set(line, (left.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of after) {
    const count = left.get(line) ?? 0;
    if (count > 0) left.set(line, count - 1);
    else added++;
  }
  const removed = [...left.values()].reduce((sum, count) => sum + count, 0);
  return `+${added} -${removed} lines`;
}

/** Whose submission it is, for the results: the repository and commit it came from. */
async function submissionSource(source: Source, work: Checkout): Promise<ResultSource> {
  if (source.kind === 'folder') {
    // A folder inside some other repository is not that repository's submission.
    const own = existsSync(join(source.path, '.git')) || process.env.GITHUB_REPOSITORY;
    return own ? detectSource(source.path) : { repository: source.spec };
  }
  if (source.kind === 'zip') return { repository: source.spec };
  if (source.kind === 'ref') return { commit: work.commit, branch: source.ref };
  return { repository: source.location, commit: work.commit, branch: source.ref };
}

/** The course's own lesson folder: given files come from here, never from the submission. */
function copyTrustedLesson(variant: string, lesson: string, into: string): void {
  mkdirSync(into, { recursive: true });
  const from = join(repoDir, variant, lesson);
  if (existsSync(from)) spawnSync('cp', ['-R', `${from}/.`, into]);
}

function diffAgainstSolution(file: StudentFile, student: string | undefined): StudentFileDiff {
  if (student === undefined) return { path: file.path, diff: '', missing: true };
  const solutionFile = join(repoDir, 'solutions', file.lesson, file.file);
  if (!existsSync(solutionFile)) return { path: file.path, diff: '' };
  const solution = withoutMarkers(readFileSync(solutionFile, 'utf8'), `solutions/${file.lesson}/${file.file}`);
  return { path: file.path, diff: unifiedDiff(solution, student, `solution/${file.lesson}/${file.file}`, file.path) };
}

/** `git diff --no-index` of two texts, with the given names in its header. */
export function unifiedDiff(before: string, after: string, beforeName: string, afterName: string): string {
  if (before === after) return '';
  const dir = mkdtempSync(join(tmpdir(), 'grade-diff-'));
  try {
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    const run = spawnSync('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    const body = run.stdout.split('\n');
    const firstHunk = body.findIndex((line) => line.startsWith('@@'));
    return [`--- ${beforeName}`, `+++ ${afterName}`, ...body.slice(Math.max(firstHunk, 0))].join('\n').trimEnd();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
