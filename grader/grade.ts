// Grades a target: every lesson's checks in a sandbox, into one results document.
import { join, resolve } from 'node:path';
import { diagnose, SHOWN_CAUSES } from './diagnosis.ts';
import { loadLesson, loadReference, lessonIds } from './registry.ts';
import { graderInfo, type Source } from './provenance.ts';
import { RESULTS_SCHEMA_VERSION, ResultsSchema, sumPoints, type LessonResult, type Results } from './results.ts';
import { inParallel } from './parallel.ts';
import { runLesson } from './sandbox/run-lesson.ts';
import { typeCheck } from './sandbox/type-check.ts';
import { UsageError } from './target.ts';
import { DEFAULT_SEED } from './grading-seed.ts';
import type { LessonTimings } from './timings.ts';

export interface GradeOptions {
  targetDir: string;
  /** How the target is named in the results (a variant name, a path, a ref). */
  targetName: string;
  lessons?: readonly string[];
  seed?: number;
  /** Run only these checks (and the fixtures they need), e.g. the checks a planted bug must trip. */
  checks?: readonly string[];
  /** Multiplies every time limit (tests of the grader shrink them). */
  timeScale?: number;
  /** Whose submission this is (repository, commit, branch, student), recorded in the results. */
  source?: Source;
  /** Resident memory allowed to each lesson's sandbox; 4 GB unless given. */
  memoryLimitMb?: number;
  /** Called as each lesson finishes, for progress output, with where its time went. */
  onLesson?: (lesson: LessonResult, timings: LessonTimings) => void;
  /**
   * Called as each lesson finishes with the results so far (`partial: true`),
   * to be written to disk: a grader killed later keeps the lessons it finished.
   */
  onPartial?: (results: Results) => void;
  /** Run tsc over the student's files (one program, beside the grading) and note its errors as warnings. */
  typeCheck?: boolean;
  /**
   * Lessons graded at once, each in its own sandbox; 1 unless given. Each
   * sandbox is single-threaded and seeded, so the results do not depend on it.
   */
  jobs?: number;
}


export async function grade(options: GradeOptions): Promise<Results> {
  const known = lessonIds();
  const ids = options.lessons?.length ? [...options.lessons] : known;
  for (const id of ids) {
    if (!known.includes(id)) throw new UsageError(`unknown lesson "${id}"; known lessons: ${known.join(', ')}`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  let backend = 'unknown';
  const typeErrors = options.typeCheck ? typeCheck(resolve(options.targetDir), ids) : undefined;
  // Results in the order of `ids`, whichever lesson finishes first.
  const finished: (LessonResult | undefined)[] = ids.map(() => undefined);
  const done = () => finished.filter((lesson): lesson is LessonResult => lesson !== undefined);
  // Side by side, the later lessons, which train longest, start first: then no
  // core grades alone at the end while the other has nothing left to do.
  const jobs = options.jobs ?? 1;
  const order = jobs > 1 ? [...ids.keys()].reverse() : [...ids.keys()];
  await inParallel(order, jobs, async (index) => {
    const id = ids[index]!;
    const full = await loadLesson(id);
    const lesson = options.checks
      ? { ...full, checks: full.checks.filter((check) => options.checks!.includes(check.id)) }
      : full;
    const run = await runLesson(lesson, { lessonId: id, lessonDir: join(resolve(options.targetDir), id), seed, timeScale: options.timeScale, memoryLimitMb: options.memoryLimitMb });
    if (run.backend !== 'unknown') backend = run.backend;
    const result: LessonResult = {
      id,
      title: full.title,
      ...sumPoints(run.checks),
      checks: run.checks,
      ...(run.curve ? { curve: run.curve } : {}),
      ...referenceBackendOf(id),
    };
    const warnings = (await typeErrors)?.get(id);
    if (warnings) result.typeErrors = warnings;
    const { causes } = diagnose(result);
    if (causes.length) result.diagnosis = causes.slice(0, SHOWN_CAUSES).map(({ category, score, reasons }) => ({ category, score, evidence: reasons }));
    finished[index] = result;
    options.onLesson?.(result, run.timings);
    if (options.onPartial && done().length < ids.length) options.onPartial(document(done(), true));
  });
  const lessons = done();
  return document(lessons, false);

  function document(lessons: LessonResult[], partial: boolean): Results {
    return ResultsSchema.parse({
      schemaVersion: RESULTS_SCHEMA_VERSION,
      target: options.targetName,
      source: options.source ?? {},
      grader: graderInfo(),
      gradedAt: new Date().toISOString(),
      backend,
      seed,
      ...sumPoints(lessons),
      lessons,
      ...(partial ? { partial } : {}),
    });
  }
}

function referenceBackendOf(id: string): { referenceBackend?: string } {
  const backend = loadReference(id)?.backend;
  return backend ? { referenceBackend: backend } : {};
}

/** 0 when every check passed, 1 otherwise (2 is for usage and infrastructure errors). */
export function exitCodeFor(results: Results): number {
  const allPass = results.lessons.every((lesson) => lesson.checks.every((check) => check.status === 'pass'));
  return allPass ? 0 : 1;
}
