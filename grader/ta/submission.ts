// Grades one submission with the TA's trusted grader, data and references:
// only the students' lesson files are taken from the submission, copied into a
// grading folder inside this repository (so their `#lib` imports resolve to
// this repository's lib/), over the course's own copy of each lesson folder.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, realpathSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { grade } from '../grade.ts';
import { lessonIds, loadLesson, repoDir } from '../registry.ts';
import { ResultsSchema, sumPoints, type Results } from '../results.ts';
import { withoutMarkers } from '../variants/student-regions.ts';
import { changedFiles, checkout, parseSource, sourceName, type Source } from './checkout.ts';
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
  /** Files changed outside the student lesson files: possible tampering. */
  tampering: string[];
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
export function combineResults(target: string, parts: readonly Results[]): Results {
  const lessons = parts.flatMap((part) => {
    const variant = part.target.split(/[\\/]/).filter(Boolean).at(-1) ?? part.target;
    return part.lessons.map((lesson) => (lesson.id.includes('/') ? lesson : { ...lesson, id: `${variant}/${lesson.id}` }));
  });
  return ResultsSchema.parse({
    schemaVersion: 1,
    target,
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
    const isStudentFile = new Set((await studentFiles()).map((file) => file.path));
    report.tampering = (await changedFiles(work)).filter((path) => !isStudentFile.has(path));
    rmSync(gradingDir, { recursive: true, force: true });
    const parts: Results[] = [];
    for (const variant of STUDENT_VARIANTS.filter((v) => !options.variants?.length || options.variants.includes(v))) {
      const files = wanted.filter((file) => file.variant === variant);
      const present = files.filter((file) => existsSync(join(work.dir, file.path)));
      if (present.length === 0) continue;
      const variantLessons = [...new Set(files.map((file) => file.lesson))];
      for (const lesson of variantLessons) copyTrustedLesson(variant, lesson, join(gradingDir, variant, lesson));
      for (const file of files) {
        const target = join(gradingDir, file.path);
        const submitted = join(work.dir, file.path);
        // A symbolic link (to the file or a folder above it) is not a student's
        // file: it could point at solutions/ or any file this process can read.
        const isFile = existsSync(submitted) && realpathSync(submitted) === join(realpathSync(work.dir), file.path);
        if (isFile) {
          mkdirSync(dirname(target), { recursive: true });
          copyFileSync(submitted, target);
        } else {
          // A deleted file is graded as missing, not replaced by the course's copy.
          rmSync(target, { force: true });
        }
        report.files.push(diffAgainstSolution(file, isFile ? readFileSync(submitted, 'utf8') : undefined));
      }
      options.onProgress?.(`${name}: grading ${variant}/ (${variantLessons.join(', ')})`);
      parts.push(
        await grade({
          targetDir: join(gradingDir, variant),
          targetName: variant,
          lessons: variantLessons,
          checks: options.checks,
          seed: options.seed,
          onPartial: (partial) => options.onPartial?.({ ...combineResults(name, [...parts, partial]), partial: true }),
        }),
      );
      options.onPartial?.({ ...combineResults(name, parts), partial: true });
    }
    if (parts.length === 0) {
      throw new Error(`${spec} has none of the student files (${wanted.slice(0, 3).map((file) => file.path).join(', ')}, ...)`);
    }
    report.results = combineResults(name, parts);
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
