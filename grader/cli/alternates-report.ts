// `npm run mutants -- --alternates`: the false-fail measurement. Grades the
// unmodified solution and every catalogued alternate on each seed and prints,
// per entry, the seeds with full marks, then the false-fail rate: the share of
// (correct program, seed) gradings that lost a point, and which checks did it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAlternates, type Alternate } from '../catalog.ts';
import { grade } from '../grade.ts';
import { gradeAlternate, type AlternateOutcome } from '../mutants.ts';
import { inParallel } from '../parallel.ts';
import { lessonIds, repoDir } from '../registry.ts';
import { LessonResultSchema, type LessonResult } from '../results.ts';
import { UsageError } from '../target.ts';

/** "0-9" or "0,3,5" or "4". */
export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').flatMap((part) => {
    const range = /^(\d+)-(\d+)$/.exec(part.trim());
    if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
    if (/^\d+$/.test(part.trim())) return [Number(part)];
    throw new UsageError(`--seeds: "${part}" is not a seed or a range like 0-9`);
  });
  if (seeds.length === 0) throw new UsageError('--seeds: no seeds');
  return seeds;
}

/** The unmodified solution of a lesson, as an entry with no patch. */
const solutionEntry = (lesson: string): Alternate => ({
  id: `${lesson}-solution`,
  lesson,
  file: '',
  title: 'the solution itself',
  why: 'the reference',
  fails: [],
  patch: { find: '', replace: '' },
});

/** An entry's outcome from its graded lesson: which checks failed that should not, and which should that did not. */
function outcomeOf(entry: Alternate, seed: number, lesson: LessonResult): AlternateOutcome {
  const failing = lesson.checks.filter((check) => check.status !== 'pass').map((check) => check.id);
  return {
    alternate: entry,
    seed,
    lesson,
    unfairlyFailed: failing.filter((id) => !entry.fails.includes(id)),
    missedPrescriptions: entry.fails.filter((id) => !failing.includes(id)),
  };
}

async function gradeEntry(entry: Alternate, seed: number): Promise<AlternateOutcome> {
  if (entry.file !== '') return gradeAlternate(entry, seed);
  const results = await grade({ targetDir: join(repoDir, 'solutions'), targetName: 'solutions', lessons: [entry.lesson], seed });
  return outcomeOf(entry, seed, results.lessons[0]!);
}

interface Saved {
  id: string;
  seed: number;
  lesson: unknown;
}

/** Graded lessons saved by --save, keyed by entry and seed; their outcomes are judged again against today's catalog. */
function loadSaved(files: readonly string[]): Map<string, LessonResult> {
  const saved = new Map<string, LessonResult>();
  for (const file of files) {
    for (const { id, seed, lesson } of JSON.parse(readFileSync(file, 'utf8')) as Saved[]) saved.set(`${id}@${seed}`, LessonResultSchema.parse(lesson));
  }
  return saved;
}

export async function runAlternates(options: {
  lesson?: string[];
  jobs: number;
  seeds: string;
  json?: string;
  solutionOnly?: boolean;
  save?: string;
  from?: string[];
  onlySaved?: boolean;
}): Promise<number> {
  const seeds = parseSeeds(options.seeds);
  const lessons = options.lesson ?? lessonIds();
  const alternates = options.solutionOnly ? [] : (await loadAlternates()).filter((a) => lessons.includes(a.lesson));
  const entries = [...lessons.map(solutionEntry), ...alternates];
  const saved = loadSaved(options.from ?? []);
  const jobs = entries.flatMap((entry) => seeds.map((seed) => ({ entry, seed }))).filter(({ entry, seed }) => !options.onlySaved || saved.has(`${entry.id}@${seed}`));
  const done: Saved[] = [];
  const known = jobs.filter(({ entry, seed }) => saved.has(`${entry.id}@${seed}`)).length;
  if (options.from) console.error(`${known} gradings read from ${options.from.join(', ')}; ${jobs.length - known} to grade`);
  const outcomes = await inParallel(jobs, Math.max(1, options.jobs), async ({ entry, seed }) => {
    const before = saved.get(`${entry.id}@${seed}`);
    const outcome = before ? outcomeOf(entry, seed, before) : await gradeEntry(entry, seed);
    done.push({ id: entry.id, seed, lesson: outcome.lesson });
    // Written after every grading, so a run that is stopped can be resumed with --from.
    if (options.save) writeFileSync(options.save, JSON.stringify(done));
    if (before) return outcome;
    const bad = [...outcome.unfairlyFailed, ...outcome.missedPrescriptions.map((id) => `${id} (should fail)`)];
    console.error(`${entry.id} seed ${seed}: ${bad.length ? bad.join(', ') : 'as expected'}`);
    return outcome;
  });
  if (options.json) writeFileSync(options.json, JSON.stringify(outcomes.map(({ alternate, seed, lesson, unfairlyFailed, missedPrescriptions }) => ({ id: alternate.id, seed, unfairlyFailed, missedPrescriptions, checks: lesson.checks })), null, 1));

  const rows = entries.map((entry) => {
    const mine = outcomes.filter((o) => o.alternate.id === entry.id);
    const fine = mine.filter((o) => o.unfairlyFailed.length === 0 && o.missedPrescriptions.length === 0);
    const unfair = [...new Set(mine.flatMap((o) => o.unfairlyFailed))];
    const missed = [...new Set(mine.flatMap((o) => o.missedPrescriptions))];
    return {
      entry: entry.id,
      kind: entry.fails.length ? `deviates: ${entry.fails.join(', ')}` : entry.file ? 'alternate' : 'solution',
      seedsAsExpected: `${fine.length}/${mine.length}`,
      lostPointsOn: unfair.join(', ') || '-',
      ...(missed.length ? { prescriptionNotCaught: missed.join(', ') } : {}),
    };
  });
  console.table(rows);
  // The false-fail rate counts correct programs only: the solution and the true alternates.
  const correct = outcomes.filter((o) => o.alternate.fails.length === 0);
  const falseFails = correct.filter((o) => o.unfairlyFailed.length > 0);
  const checkGradings = correct.reduce((sum, o) => sum + o.lesson.checks.length, 0);
  const checkFalseFails = correct.reduce((sum, o) => sum + o.unfairlyFailed.length, 0);
  const deviations = outcomes.filter((o) => o.alternate.fails.length > 0);
  const deviationsWrong = deviations.filter((o) => o.unfairlyFailed.length > 0 || o.missedPrescriptions.length > 0);
  const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(2)}%`;
  console.log(`seeds ${seeds[0]}..${seeds.at(-1)} (${seeds.length}), ${entries.length - lessons.length} alternates and ${lessons.length} solutions`);
  console.log(`correct programs that lost a point: ${falseFails.length}/${correct.length} gradings (${pct(falseFails.length, correct.length)})`);
  console.log(`checks that failed a correct program: ${checkFalseFails}/${checkGradings} check gradings (${pct(checkFalseFails, checkGradings)})`);
  for (const id of lessons) {
    const solution = correct.filter((o) => o.alternate.id === `${id}-solution`);
    const full = solution.filter((o) => o.lesson.points === o.lesson.maxPoints);
    console.log(`solution ${id}: full marks on ${full.length}/${solution.length} seeds`);
  }
  if (deviations.length) console.log(`deviations failing exactly their prescription checks: ${deviations.length - deviationsWrong.length}/${deviations.length}`);
  return falseFails.length === 0 && deviationsWrong.length === 0 ? 0 : 1;
}
