import { join } from 'node:path';
import { expect } from 'chai';
import { lessonBugs } from '../catalog.ts';
import { unsolvedBugs } from '../hints.ts';
import { lessonIds, repoDir } from '../registry.ts';
import { writeBuggyTarget } from '../mutants.ts';

describe('hints', () => {
  for (const lesson of lessonIds()) {
    it(`${lesson}: counts every bug of bugs/ as unsolved, none of solutions/, and sees a single fix`, async () => {
      const bugs = await lessonBugs(lesson);
      expect(await unsolvedBugs(join(repoDir, 'bugs', lesson), lesson)).to.have.length(bugs.length);
      expect(await unsolvedBugs(join(repoDir, 'solutions', lesson), lesson)).to.have.length(0);
      if (bugs.length < 2) return;
      // All bugs but the first planted: the first one counts as fixed.
      const target = writeBuggyTarget(`hints-${lesson}`, lesson, bugs.slice(1));
      const remaining = await unsolvedBugs(join(target, lesson), lesson);
      expect(remaining.map((bug) => bug.id)).to.deep.equal(bugs.slice(1).map((bug) => bug.id));
    });
  }
});
