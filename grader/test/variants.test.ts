import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir } from '../registry.ts';
import { loadCatalog } from '../catalog.ts';
import { loadLesson } from '../registry.ts';
import { expectedGenerated, expectedVariants, solutionLessons, variantDrift } from '../variants/generate.ts';
import { withGenerated } from '../variants/readme-tables.ts';

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

  it('each variant\'s README lists every check of its lesson with its points, and the total', async () => {
    const expected = await expectedGenerated();
    for (const lesson of solutionLessons()) {
      const { checks } = await loadLesson(lesson);
      const total = checks.reduce((sum, check) => sum + check.points, 0);
      for (const variant of ['solutions', 'exercise', 'bugs']) {
        const readme = expected.get(join(variant, lesson, 'README.md'))!;
        for (const check of checks) {
          const row = readme.split('\n').find((line) => line.startsWith(`| \`${check.id}\` |`));
          expect(row, `${variant}/${lesson}: ${check.id}`).to.match(new RegExp(`\\| ${check.points} \\|$`));
          expect(row!.includes('**prescribed:**'), `${variant}/${lesson}: ${check.id} marked prescribed`).to.equal(Boolean(check.prescribed));
        }
        expect(readme, `${variant}/${lesson}`).to.include(`**total** (${checks.length} checks) | **${total}** |`);
      }
    }
  });

  it('the root README lists every catalog bug with the checks that must catch it', async () => {
    const readme = (await expectedGenerated()).get('README.md')!;
    for (const bug of await loadCatalog()) {
      expect(readme, bug.id).to.include(`| \`${bug.id}\` | ${bug.lesson} |`);
      expect(readme, bug.id).to.include(bug.catches.map((id) => `\`${id}\``).join(', '));
    }
  });

  it('a README without the markers of a generated table gets an error that shows them', () => {
    expect(() => withGenerated('# A lesson\n', 'checks', '| table |', 'solutions/07-new/README.md')).to.throw(
      /solutions\/07-new\/README.md needs the lines\n<!-- generated: checks/,
    );
    expect(withGenerated('a\n<!-- generated: checks (npm run variants writes this; do not edit) -->\nold\n<!-- end generated: checks -->\nb', 'checks', 'new', 'x')).to.equal(
      'a\n<!-- generated: checks (npm run variants writes this; do not edit) -->\nnew\n<!-- end generated: checks -->\nb',
    );
  });

  it('exercise/ keeps every solution line outside the student regions, in order', async () => {
    const expected = await expectedVariants();
    for (const [path, text] of expected) {
      if (!path.startsWith('exercise') || !path.endsWith('.ts')) continue;
      const solution = readFileSync(join(repoDir, path.replace(/^exercise/, 'solutions')), 'utf8');
      // Outside the regions, the lines are the solution's lines, in order
      // (a region that ends early adds the declaration its closing marker gives).
      const kept = text.split('\n').filter((line) => !/^\s*(\/\/ TODO: |throw new Error\("not implemented: |let [^=]+;$)/.test(line));
      const solutionLines = solution.split('\n');
      let at = 0;
      for (const line of kept) {
        at = solutionLines.indexOf(line, at);
        expect(at, `${path}: "${line}"`).to.not.equal(-1);
      }
    }
  });
});
