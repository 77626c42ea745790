// Each reporter turns one results document into the format its consumer reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { classroom50Identity, classroom50ReleaseBody, classroom50Result, Classroom50ResultSchema } from '../../reporters/classroom50.ts';
import { GradescopeResultsSchema, gradescopeReport } from '../../reporters/gradescope.ts';
import { htmlReport, lessonChartSvg, svgReport } from '../../reporters/html.ts';
import { reporters } from '../../reporters/index.ts';
import { markdownReport } from '../../reporters/markdown.ts';
import { repoDir } from '../../registry.ts';
import { fixtureResults } from './fixtures.ts';

describe('reporters', () => {
  const partial = fixtureResults('exercise', 0.5);

  it('are all chosen by name, and each one reports the lessons, the score and (all but the curve drawing) every check', () => {
    expect(Object.keys(reporters)).to.include.members(['terminal', 'json', 'classroom50', 'gradescope', 'markdown', 'html', 'svg']);
    const saved = { ...process.env };
    Object.assign(process.env, { CLASSROOM: 'c', ASSIGNMENT: 'a', USERNAME: 'u', SUBMISSION_TAG: 'submit/x', COMMIT_URL: 'c', RELEASE_URL: 'r' });
    try {
      for (const [name, report] of Object.entries(reporters)) {
        const text = report(partial);
        expect(text, name).to.include(String(partial.points));
        for (const lesson of partial.lessons) {
          expect(text.includes(lesson.id) || text.includes(lesson.title), `${name} names ${lesson.id}`).to.equal(true);
          if (name === 'svg') continue; // the loss curves only
          for (const check of lesson.checks) expect(text.includes(check.id) || text.includes(check.title), `${name} names ${check.id}`).to.equal(true);
        }
      }
    } finally {
      for (const name of ['CLASSROOM', 'ASSIGNMENT', 'USERNAME', 'SUBMISSION_TAG', 'COMMIT_URL', 'RELEASE_URL']) if (!(name in saved)) delete process.env[name];
    }
  });

  describe('Classroom 50', () => {
    // What the runner sets for an autograder (see the Advanced-Autograding page of foundation50/classroom50).
    const env = {
      CLASSROOM: 'dl-fall',
      ASSIGNMENT: 'deep-learning',
      ASSIGNMENT_TYPE: 'individual',
      USERNAME: 'alice',
      OWNER: 'alice',
      SUBMISSION_TAG: 'submit/2026-12-01T10-00-00Z-abc1234',
      COMMIT_URL: 'https://github.com/org/dl-fall-deep-learning-alice/commit/abc1234',
      RELEASE_URL: 'https://github.com/org/dl-fall-deep-learning-alice/releases/tag/submit%2F2026',
    };
    const identity = () => classroom50Identity(env, new Date('2026-12-01T09:59:30.250Z'));

    it('writes a result.json the v1 schema accepts: whole points per check, their sum, the runner\'s identity', () => {
      const doc = Classroom50ResultSchema.parse(classroom50Result(partial, identity()));
      expect(doc).to.include({ schema: 'classroom50/result/v1', classroom: 'dl-fall', owner: 'alice', assignment_type: 'individual', datetime: '2026-12-01T09:59:30Z' });
      expect(doc.review).to.equal(env.COMMIT_URL);
      expect(doc.tests).to.have.length(4);
      expect(doc.score).to.equal(partial.points);
      expect(doc['max-score']).to.equal(partial.maxPoints);
      const failing = doc.tests.find((test) => !test.passed)!;
      expect(failing.message).to.equal(partial.lessons[0]!.checks.find((check) => check.status !== 'pass')!.message);
    });

    it('keeps the proportions when a check is worth a fraction of a point', () => {
      const halves = structuredClone(partial);
      for (const check of halves.lessons[0]!.checks) {
        check.maxPoints /= 2;
        check.points /= 2;
      }
      const doc = classroom50Result(halves, identity());
      expect(doc.score / doc['max-score']).to.equal(partial.points / partial.maxPoints);
      expect(doc.tests.every((test) => Number.isInteger(test.score))).to.equal(true);
    });

    it('is closed at the top level and needs whole points, as the contract says', () => {
      const doc = classroom50Result(partial, identity());
      expect(Classroom50ResultSchema.safeParse({ ...doc, usernames: ['alice'] }).success).to.equal(false);
      expect(Classroom50ResultSchema.safeParse({ ...doc, score: 1.5 }).success).to.equal(false);
      expect(Classroom50ResultSchema.safeParse({ ...doc, submission: 'main' }).success).to.equal(false);
      expect(Classroom50ResultSchema.safeParse({ ...doc, tests: [{ 'test-name': 'x', passed: true, score: 2, 'max-score': 1 }] }).success).to.equal(false);
    });

    it('says which of the runner\'s variables are missing', () => {
      expect(() => classroom50Identity({ CLASSROOM: 'c' }, new Date())).to.throw(/missing: ASSIGNMENT, SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, OWNER/);
    });

    it('writes a release body with points per lesson, the failing checks with their messages, and the curve', () => {
      const body = classroom50ReleaseBody(fixtureResults('exercise', 0.2));
      expect(body).to.match(/^### \d+ \/ 6 points/);
      expect(body).to.include('| 03-cnn: Image classification with a CNN | ');
      expect(body).to.include('7 of 20 slices outside the band');
      expect(body).to.include('| training done | your loss | reference band | reference median |');
      expect(body).to.include('⚠');
      expect(body).not.to.match(/\x1b\[/);
    });
  });

  describe('Gradescope', () => {
    it("writes results.json as Gradescope's specification describes it", () => {
      const doc = GradescopeResultsSchema.parse(JSON.parse(gradescopeReport(partial)));
      expect(doc.score).to.equal(partial.points);
      expect(doc.tests).to.have.length(4);
      for (const [i, test] of doc.tests!.entries()) {
        const check = partial.lessons[0]!.checks[i]!;
        expect(test).to.include({ score: check.points, max_score: check.maxPoints, visibility: 'visible' });
        expect(test.status).to.equal(check.status === 'pass' ? 'passed' : 'failed');
        expect(test.output).to.include(check.message);
      }
      expect(doc.tests!.reduce((sum, test) => sum + test.score!, 0)).to.equal(doc.score);
    });

    it('refuses fields the specification does not have', () => {
      expect(GradescopeResultsSchema.safeParse({ score: 1, tests: [{ score: 1, points: 1 }] }).success).to.equal(false);
      expect(GradescopeResultsSchema.safeParse({ tests: [{ name: 'no score anywhere' }] }).success).to.equal(false);
    });
  });

  describe('markdown (job summary)', () => {
    it('says whose results they are and what graded them', () => {
      const traced = {
        ...partial,
        source: { repository: 'org/alice-repo', branch: 'main', commit: '0123456789abcdef' },
        grader: { version: '1.2.3', commit: 'fedcba9876', platform: 'github-actions' as const },
        gradedAt: '2026-12-02T08:00:00.123Z',
      };
      expect(markdownReport(traced)).to.include(
        'repository org/alice-repo, branch main, commit 0123456789ab, grader 1.2.3 (fedcba9) on github-actions, graded 2026-12-02T08:00:00Z',
      );
    });

    it('has a table per lesson and the loss curve as a Mermaid chart', () => {
      const text = markdownReport(fixtureResults('exercise', 0.2));
      expect(text).to.include('| ✅ | the model outputs one score per class | 1 / 1 |  |');
      expect(text).to.include('not implemented: the training loop \\| with a pipe');
      expect(text).to.match(/```mermaid\nxychart-beta\n/);
      expect(text.match(/^ {2}line \[/gm)).to.have.length(4);
      expect(text).to.include('slices of your curve had no finite loss');
    });
  });

  describe('SVG and HTML', () => {
    it('draws the band, its median and the student curve, with gaps where the loss was not finite', () => {
      const curve = partial.lessons[0]!.curve!;
      const svg = lessonChartSvg('03-cnn', { ...curve, student: curve.student.map((v, i) => (i === 5 ? null : v)) });
      expect(svg.match(/<polygon class="reference-band"/g)).to.have.length(1);
      expect(svg).to.include('class="reference-median"');
      expect(svg.match(/<polyline class="series"/g)!.length).to.be.greaterThan(1);
      expect(svg).not.to.match(/NaN|undefined/);
    });

    it('needs nothing from the network', () => {
      for (const text of [htmlReport(partial), svgReport(partial)]) {
        const urls = text.match(/(?:src|href)="[^"#][^"]*"|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/g) ?? [];
        expect(urls).to.deep.equal([]);
      }
    });
  });

  it('renders saved results without grading again: npm run ta -- report --format gradescope', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    try {
      writeFileSync(join(dir, 'exercise.json'), JSON.stringify(fixtureResults('exercise', 0.5)));
      writeFileSync(join(dir, 'bugs.json'), JSON.stringify(fixtureResults('bugs', 1)));
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'grader/cli/ta.ts', 'report', join(dir, 'exercise.json'), join(dir, 'bugs.json'), '--format', 'gradescope'],
        { cwd: repoDir, encoding: 'utf8' },
      );
      expect(run.status, run.stderr).to.equal(0);
      const doc = GradescopeResultsSchema.parse(JSON.parse(run.stdout));
      expect(doc.tests!.map((test) => test.name)).to.include('bugs/03-cnn: the model outputs one score per class');
      expect(doc.score).to.equal(fixtureResults('exercise', 0.5).points + 6);
      const bad = spawnSync(process.execPath, ['--import', 'tsx', 'grader/cli/ta.ts', 'report', join(dir, 'missing.json')], { cwd: repoDir, encoding: 'utf8' });
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.include('cannot read results file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
