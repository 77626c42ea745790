// Fair grading: every catalogued correct alternate of the solution gets full
// marks, and every deviation from a prescription fails exactly the checks that
// judge that prescription. Each entry is graded once, on its own seed from
// 0-9 (the full seeds x alternates table is `npm run mutants -- --alternates`).
import { availableParallelism } from 'node:os';
import { expect } from 'chai';
import { loadAlternates } from '../catalog.ts';
import { gradeAlternate } from '../mutants.ts';
import { inParallel } from '../parallel.ts';
import { loadLesson } from '../registry.ts';

describe('the alternates catalog', function () {
  // About 40 gradings, two at a time: some 3 minutes on 2 idle cores, more on a busy machine.
  this.timeout(900_000);

  it('gives every correct alternate full marks and fails each deviation only on its prescription', async () => {
    const alternates = await loadAlternates();
    // An alternate of a file that only some checks load is graded on those checks alone.
    // The longest gradings (the later lessons') first, so that no worker waits alone at the end.
    const longestFirst = [...alternates].sort((a, b) => b.lesson.localeCompare(a.lesson));
    const outcomes = await inParallel(longestFirst, availableParallelism(), async (alternate) =>
      gradeAlternate(alternate, alternates.indexOf(alternate) % 10, (await loadLesson(alternate.lesson)).checksOfFile?.[alternate.file]),
    );
    const wrong = outcomes
      .filter((o) => o.unfairlyFailed.length > 0 || o.missedPrescriptions.length > 0)
      .map((o) => {
        const lost = o.unfairlyFailed.map((id) => `${id}: ${o.lesson.checks.find((check) => check.id === id)?.message}`);
        return `${o.alternate.id} (seed ${o.seed}) ${[...lost, ...o.missedPrescriptions.map((id) => `${id} should fail`)].join('; ')}`;
      });
    expect(wrong).to.deep.equal([]);
  });
});
