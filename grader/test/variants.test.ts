import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir } from '../registry.ts';
import { expectedVariants, solutionLessons, variantDrift } from '../variants/generate.ts';

describe('generated variants', () => {
  it('exercise/ and bugs/ are what solutions/ and the catalog generate (run `npm run variants` if not)', async () => {
    expect(await variantDrift()).to.deep.equal([]);
  });

  it('every lesson of solutions/ has student regions and a README in each variant', async () => {
    const expected = await expectedVariants();
    for (const lesson of solutionLessons()) {
      for (const variant of ['exercise', 'bugs']) expect(expected.has(join(variant, lesson, 'README.md')), `${variant}/${lesson}`).to.equal(true);
      const exerciseFiles = [...expected.keys()].filter((path) => path.startsWith(join('exercise', lesson)) && path.endsWith('.ts'));
      const todos = exerciseFiles.map((path) => readFileSync(join(repoDir, path), 'utf8')).join('\n').match(/not implemented: /g) ?? [];
      expect(todos.length, lesson).to.be.greaterThan(0);
    }
  });

  it('exercise/ keeps every solution line outside the student regions, in order', async () => {
    const expected = await expectedVariants();
    for (const [path, text] of expected) {
      if (!path.startsWith('exercise') || !path.endsWith('.ts')) continue;
      const solution = readFileSync(join(repoDir, path.replace(/^exercise/, 'solutions')), 'utf8');
      // Outside the regions, the lines are the solution's lines, in order.
      const kept = text.split('\n').filter((line) => !/^\s*(\/\/ TODO: |throw new Error\("not implemented: )/.test(line));
      const solutionLines = solution.split('\n');
      let at = 0;
      for (const line of kept) {
        at = solutionLines.indexOf(line, at);
        expect(at, `${path}: "${line}"`).to.not.equal(-1);
      }
    }
  });
});
