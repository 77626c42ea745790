// The grader graded on the real variants: the solution passes everything, the
// skeleton passes nothing and says "not implemented", the bugs variant fails,
// and every catalogued bug alone is caught by the checks that must catch it.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadAlternates, loadCatalog } from '../catalog.ts';
import { exitCodeFor, grade } from '../grade.ts';
import { gradeMutant, type MutantOutcome } from '../mutants.ts';
import { inParallel } from '../parallel.ts';
import { lessonIds, loadLesson, repoDir } from '../registry.ts';
import type { Results } from '../results.ts';
import { failureOnFaultyRun } from './faulty-run.ts';

const gradeVariant = (variant: string) => grade({ targetDir: join(repoDir, variant), targetName: variant, jobs: availableParallelism() });

/** The results without timings, which are the only thing allowed to differ between runs. */
const withoutTimings = (results: Results) =>
  JSON.stringify(results, (key, value) => (key === 'durationMs' || key === 'gradedAt' ? undefined : value));

describe('grading the variants', function () {
  let solutions: Results;
  let catalogOutcomes: MutantOutcome[] | undefined;

  before(async () => {
    solutions = await gradeVariant('solutions');
  });

  it('gives solutions/ full marks', () => {
    const failing = solutions.lessons.flatMap((lesson) =>
      lesson.checks.filter((check) => check.status !== 'pass').map((check) => `${lesson.id}/${check.id}: ${check.message}`),
    );
    expect(failing).to.deep.equal([]);
    expect(solutions.points).to.equal(solutions.maxPoints);
    expect(exitCodeFor(solutions)).to.equal(0);
  });

  it('gives exercise/ no points, every check saying "not implemented"', async () => {
    const exercise = await gradeVariant('exercise');
    expect(exercise.points).to.equal(0);
    expect(exercise.maxPoints).to.equal(solutions.maxPoints);
    for (const lesson of exercise.lessons) {
      for (const check of lesson.checks) {
        expect(check.status, `${lesson.id}/${check.id}`).to.equal('error');
        expect(check.message, `${lesson.id}/${check.id}`).to.include('not implemented');
      }
    }
    expect(exitCodeFor(exercise)).to.equal(1);
  });

  it('fails every lesson of bugs/', async () => {
    const bugs = await gradeVariant('bugs');
    for (const lesson of bugs.lessons) expect(lesson.points, lesson.id).to.be.lessThan(lesson.maxPoints);
  });

  it('grades the same code the same way twice', async () => {
    const lesson = solutions.lessons.find((candidate) => candidate.id === '03-cnn') ?? solutions.lessons[0]!;
    const again = await grade({ targetDir: join(repoDir, 'solutions'), targetName: 'solutions', lessons: [lesson.id] });
    const first = { ...solutions, lessons: [lesson], points: lesson.points, maxPoints: lesson.maxPoints };
    expect(withoutTimings(again)).to.equal(withoutTimings(first));
  });

  it('catches every catalogued bug, planted alone, with the checks the catalog names', async function () {
    // Some 70 gradings, two at a time, beside the other test files: minutes on a busy machine.
    this.timeout(900_000);
    const catalog = await loadCatalog();
    // The longest gradings (the later lessons') first, so that no worker waits alone at the end.
    const longestFirst = [...catalog].sort((a, b) => b.lesson.localeCompare(a.lesson));
    const outcomes = await inParallel(longestFirst, availableParallelism(), (bug) => gradeMutant(bug, { onlyNamedChecks: true }));
    catalogOutcomes = outcomes;
    const missed = outcomes.filter((outcome) => outcome.missedBy.length > 0).map((o) => `${o.bug.id} missed by ${o.missedBy.join(', ')}`);
    expect(missed).to.deep.equal([]);
  });

  // A check whose failure never runs in a test is a message no one has read and
  // a branch that may not work. Its failure must be its own verdict (status
  // "fail", a CheckFailure), not an exception that happened to stop it.
  it('makes every check of every lesson fail with its own message: for a planted bug, a prescription deviation or the faulty-run fixture', async function () {
    if (!catalogOutcomes) this.skip(); // the catalog was not graded in this run (e.g. --grep)
    const deviations = (await loadAlternates()).flatMap((alternate) => alternate.fails.map((id) => `${alternate.lesson}/${id}`));
    const failedByBugs = catalogOutcomes!.flatMap((outcome) =>
      outcome.lesson.checks.filter((check) => check.status === 'fail').map((check) => `${outcome.lesson.id}/${check.id}`),
    );
    const proven = new Set([...deviations, ...failedByBugs]);
    const neverFailed: string[] = [];
    for (const id of lessonIds()) {
      for (const check of (await loadLesson(id)).checks) {
        if (proven.has(`${id}/${check.id}`)) continue;
        const failure = await failureOnFaultyRun(id, check);
        if (!failure?.message) neverFailed.push(`${id}/${check.id}`);
      }
    }
    expect(neverFailed, 'checks no catalog bug, deviation or fixture makes fail').to.deep.equal([]);
  });
});
