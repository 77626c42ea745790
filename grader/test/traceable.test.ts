// Results a TA can trace: whose they are (source, grader, platform, time), with
// the loss curve of a failing check as well as of a passing one, and class
// comparisons named by the student or repository each result records.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { grade } from '../grade.ts';
import { detectSource, sourceLabel } from '../provenance.ts';
import { repoDir } from '../registry.ts';
import { markdownReport } from '../reporters/markdown.ts';
import { parseResults } from '../results.ts';
import { compareSubmissions } from '../ta/compare.ts';
import { fixtureResults } from './reporters/fixtures.ts';

describe('traceable results', () => {
  it('records the curve of a failing loss-curve check, and the job summary draws it', async () => {
    const results = await grade({
      targetDir: join(repoDir, 'bugs'),
      targetName: 'bugs',
      lessons: ['01-linear-regression'],
      checks: ['loss-curve'],
      source: { repository: 'org/alice-repo', commit: 'abc123', branch: 'main' },
    });
    const lesson = results.lessons[0]!;
    expect(lesson.checks[0]!.status).to.equal('fail');
    expect(lesson.curve?.student.length).to.be.greaterThan(0);
    expect(markdownReport(results)).to.include('```mermaid');
    expect(results.schemaVersion).to.equal(2);
    expect(results.source).to.deep.equal({ repository: 'org/alice-repo', commit: 'abc123', branch: 'main' });
    expect(results.grader!.version).to.match(/^\d+\.\d+\.\d+/);
    expect(Date.now() - Date.parse(results.gradedAt!)).to.be.within(0, 600_000);
  });

  it('reads where a submission comes from out of GitHub Actions and Classroom 50 variables', () => {
    const actions = { GITHUB_REPOSITORY: 'org/bob-repo', GITHUB_SHA: 'f00', GITHUB_REF_NAME: 'main', GITHUB_ACTOR: 'bob' };
    expect(detectSource(repoDir, actions)).to.deep.include({ repository: 'org/bob-repo', commit: 'f00', branch: 'main', student: 'bob' });
    const classroom = { ...actions, CLASSROOM: 'dl', SUBMISSION_TAG: 'submit/x', OWNER: 'carol', GITHUB_ACTOR: 'teacher' };
    expect(detectSource(repoDir, classroom)).to.deep.include({ student: 'carol', submission: 'submit/x' });
    expect(sourceLabel({ repository: 'https://example.org/org/dave-repo.git' }, 'x')).to.equal('dave-repo');
    expect(sourceLabel({ repository: '../folders/dave' }, 'fallback')).to.equal('fallback');
  });

  it('still reads version 1 results files', () => {
    const old = { schemaVersion: 1, target: 'exercise', backend: 'wasm', seed: 1, points: 0, maxPoints: 0, lessons: [] };
    expect(parseResults(JSON.stringify(old), 'old.json').source).to.deep.equal({});
  });

  it('names compared results files by the student or repository they record, not by the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traceable-'));
    try {
      writeFileSync(join(dir, 'results-exercise.json'), JSON.stringify({ ...fixtureResults('exercise'), source: { repository: 'org/erin-repo' } }));
      writeFileSync(join(dir, 'results-exercise-2.json'), JSON.stringify({ ...fixtureResults('exercise'), source: { student: 'frank' } }));
      const reports = await compareSubmissions([join(dir, 'results-exercise.json'), join(dir, 'results-exercise-2.json')], { jobs: 1 });
      expect(reports.map((report) => report.name)).to.deep.equal(['erin-repo', 'frank']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
