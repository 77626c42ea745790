// The frame every check of a shared run has: it names the fixture it needs (a
// fixture that failed or hung fails it at once), reads the run, and judges it.
import type { Check, CheckOutcome, LessonContext } from '../lesson.ts';

export function fixtureCheck<Run>(
  check: Pick<Check, 'id' | 'title' | 'points' | 'prescribed'> & { fixture: string },
  judge: (run: Run, ctx: LessonContext) => Promise<CheckOutcome | string> | CheckOutcome | string,
): Check {
  const { fixture, ...rest } = check;
  return { ...rest, needs: [fixture], run: async (ctx) => judge(await ctx.fixture<Run>(fixture), ctx) };
}
