// The frames of the checks that judge a measurement: a check of a shared run
// names the fixture it needs (a fixture that failed or hung fails it at once),
// reads the run and judges it; a probe's check measures the student's code
// itself, then judges what it measured.
import type { Check, CheckOutcome, LessonContext } from '../lesson.ts';

export function fixtureCheck<Run>(
  check: Pick<Check, 'id' | 'title' | 'points' | 'prescribed'> & { fixture: string },
  judge: (run: Run, ctx: LessonContext) => Promise<CheckOutcome | string> | CheckOutcome | string,
): Check {
  const { fixture, ...rest } = check;
  return { ...rest, needs: [fixture], run: async (ctx) => judge(await ctx.fixture<Run>(fixture), ctx) };
}

export function probeCheck<Measured>(
  check: Pick<Check, 'id' | 'title' | 'points'>,
  measure: (ctx: LessonContext) => Promise<Measured>,
  judge: (measured: Measured) => CheckOutcome | string,
): Check {
  return { ...check, run: async (ctx) => judge(await measure(ctx)) };
}
