// GitHub Classroom: what its grading reporter (classroom-resources/
// autograding-grading-reporter) reads. For every runner id listed in its
// `runners` input it reads the environment variable `<ID in capitals>_RESULTS`,
// base64 of a JSON document `{ version, status, max_score, tests: [{ name,
// status, score, message, test_code, filename, line_no, duration }] }`, and
// reports the sum of the tests' `score` over the sum of the runners' `max_score`
// to Classroom.
//
// Each check becomes a runner of its own with one test: the reporter's console
// table counts a runner's passing tests, not their points, so one runner per
// check is what keeps that table, and not just the grade, right when checks
// are worth different points. Runner ids are letters and digits only, the
// pattern the reporter accepts.
//
// The report is `NAME=value` lines, ready to append to $GITHUB_ENV; the
// runner list is the part of each name before `_RESULTS`.
import type { CheckResult, LessonResult, Results } from '../results.ts';

export interface ClassroomTest {
  name: string;
  status: 'pass' | 'fail' | 'error';
  score: number;
  message: string;
  test_code: string;
  filename: string;
  line_no: number;
  duration: number;
}

export interface ClassroomRunnerResult {
  version: 1;
  status: 'pass' | 'fail' | 'error';
  max_score: number;
  tests: ClassroomTest[];
}

export interface ClassroomRunner {
  /** Letters and digits: the id listed in the reporter's `runners` input. */
  id: string;
  /** The environment variable the reporter reads: the id in capitals + `_RESULTS`. */
  variable: string;
  result: ClassroomRunnerResult;
}

const variantOf = (target: string) => target.split(/[\\/]/).filter(Boolean).at(-1) ?? target;

export function runnerId(target: string, lessonId: string, checkId: string): string {
  return `${variantOf(target)}${lessonId}${checkId}`.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

export function classroomRunners(results: Results): ClassroomRunner[] {
  const runners: ClassroomRunner[] = [];
  const seen = new Set<string>();
  for (const lesson of results.lessons) {
    for (const check of lesson.checks) {
      let id = runnerId(results.target, lesson.id, check.id);
      // Ids that only differed by punctuation stay apart.
      for (let n = 2; seen.has(id); n++) id = `${runnerId(results.target, lesson.id, check.id)}${n}`;
      seen.add(id);
      runners.push({ id, variable: `${id.toUpperCase()}_RESULTS`, result: runnerResult(results, lesson, check) });
    }
  }
  return runners;
}

function runnerResult(results: Results, lesson: LessonResult, check: CheckResult): ClassroomRunnerResult {
  return {
    version: 1,
    status: check.status,
    max_score: check.maxPoints,
    tests: [
      {
        name: `${variantOf(results.target)}/${lesson.id}: ${check.title}`,
        status: check.status,
        score: check.points,
        message: check.message,
        // Shown under the test: how the student reproduces it on their machine.
        test_code: `npm run grade -- ${variantOf(results.target)} --lesson ${lesson.id}`,
        filename: '',
        line_no: 0,
        duration: Math.round(check.durationMs),
      },
    ],
  };
}

export const encodeRunner = (runner: ClassroomRunner) => Buffer.from(JSON.stringify(runner.result), 'utf8').toString('base64');

/** `--format classroom`: one `<RUNNER>_RESULTS=<base64>` line per check. */
export function classroomReport(results: Results): string {
  return classroomRunners(results)
    .map((runner) => `${runner.variable}=${encodeRunner(runner)}`)
    .join('\n');
}
