// Each reporter turns one results document into the format its consumer reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { classroomReport, classroomRunners, type ClassroomRunnerResult } from '../../reporters/classroom.ts';
import { GradescopeResultsSchema, gradescopeReport } from '../../reporters/gradescope.ts';
import { htmlReport, lessonChartSvg, svgReport } from '../../reporters/html.ts';
import { reporters } from '../../reporters/index.ts';
import { markdownReport } from '../../reporters/markdown.ts';
import { repoDir } from '../../registry.ts';
import { fixtureResults } from './fixtures.ts';

describe('reporters', () => {
  const partial = fixtureResults('exercise', 0.5);

  it('are all chosen by name, and every one accepts any results document', () => {
    expect(Object.keys(reporters)).to.include.members(['terminal', 'json', 'classroom', 'gradescope', 'markdown', 'html', 'svg']);
    for (const [name, report] of Object.entries(reporters)) expect(report(partial), name).to.be.a('string').that.is.not.empty;
  });

  describe('GitHub Classroom', () => {
    // What classroom-resources/autograding-grading-reporter does with the lines:
    // the workflow appends them to $GITHUB_ENV and lists the runners; the reporter
    // reads `<RUNNER>_RESULTS`, decodes base64 JSON, and sums tests' scores over max_score.
    function asTheReporterReadsIt(text: string) {
      const env = Object.fromEntries(text.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      const runners = text.split('\n').map((line) => line.split('_')[0]!).join(',');
      expect(runners).to.match(/^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$/);
      return runners.split(',').map((runner) => {
        const encoded = env[`${runner.trim().toUpperCase()}_RESULTS`];
        expect(encoded, runner).to.be.a('string');
        return JSON.parse(Buffer.from(encoded!, 'base64').toString('utf8')) as ClassroomRunnerResult;
      });
    }

    it('gives every check its own points, so a lesson earns partial credit', () => {
      const runs = asTheReporterReadsIt(classroomReport(partial));
      expect(runs).to.have.length(4);
      const totalPoints = runs.reduce((sum, run) => sum + run.tests.reduce((s, test) => s + test.score, 0), 0);
      const maxPoints = runs.reduce((sum, run) => sum + run.max_score, 0);
      expect({ totalPoints, maxPoints }).to.deep.equal({ totalPoints: partial.points, maxPoints: partial.maxPoints });
      expect(totalPoints).to.be.greaterThan(0).and.lessThan(maxPoints);
      // The reporter's console table scores a runner as passed tests / tests * max_score: one test per runner keeps it right.
      for (const run of runs) {
        const consoleScore = (run.tests.filter((test) => test.status === 'pass').length / run.tests.length) * run.max_score;
        expect(consoleScore).to.equal(run.tests[0]!.score);
      }
    });

    it('writes the fields the reporter reads, with the check\'s message and status', () => {
      const [first, , , last] = classroomRunners(partial);
      expect(first!.variable).to.equal('EXERCISE03CNNOUTPUTSHAPE_RESULTS');
      expect(first!.result).to.include({ version: 1, status: 'pass', max_score: 1 });
      expect(first!.result.tests[0]).to.have.keys(['name', 'status', 'score', 'message', 'test_code', 'filename', 'line_no', 'duration']);
      expect(last!.result.tests[0]).to.include({ status: 'fail', score: 0, message: partial.lessons[0]!.checks[3]!.message });
      expect(last!.result.tests[0]!.test_code).to.equal('npm run grade -- exercise --lesson 03-cnn');
    });

    it('keeps the runners of exercise/ and bugs/ apart', () => {
      const ids = [...classroomRunners(fixtureResults('exercise')), ...classroomRunners(fixtureResults('bugs'))].map((r) => r.id);
      expect(new Set(ids).size).to.equal(ids.length);
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
