// The TA's comparison report, opened in a real browser: headless Chromium from
// the system (Debian's `chromium` package, which .ci/run installs; on GitHub's
// runners their Chrome, named by CHROMIUM) driven by playwright-core. Skipped,
// saying why, where there is no such browser. First five submissions of one
// lesson, then a class of 300 results files of the whole course.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import seedrandom from 'seedrandom';
import { repoDir } from '../../registry.ts';
import { ResultsSchema, type CheckResult, type Results } from '../../results.ts';
import { compareHtml } from '../../ta/compare-report.ts';
import { compareSubmissions } from '../../ta/compare.ts';
import type { SubmissionReport } from '../../ta/submission.ts';
import { curveFor, fixtureResults } from '../reporters/fixtures.ts';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function submissions(): SubmissionReport[] {
  const graded = (name: string, quality: number, diff = ''): SubmissionReport => ({
    name,
    source: `student/${name}`,
    results: { ...fixtureResults('exercise', quality), target: name },
    tampering: name === 'mallory' ? ['grader/checks/trace.ts'] : [],
    files: [{ path: 'exercise/03-cnn/cnn.ts', diff }],
    durationMs: 21_000,
  });
  const diff = ['--- solution/03-cnn/cnn.ts', '+++ exercise/03-cnn/cnn.ts', '@@ -20,2 +20,2 @@', '-  learningRate: 0.01,', '+  learningRate: 0.5,'].join('\n');
  return [
    graded('alice', 1),
    graded('bob', 0.6, diff),
    graded('mallory', 0.8, diff),
    graded('trent', 0.2, diff),
    { name: 'eve', source: 'student/eve', error: 'grading did not finish within 900 s and was stopped', tampering: [], files: [], durationMs: 900_000 },
  ];
}

/** A course's shape for the synthetic results (the five lessons as they were written, 73 checks in all, each lesson with a curve): a fixture, not read from the registry, so a new lesson leaves it as it is. */
const COURSE = [
  ['01-linear-regression', 11],
  ['02-logistic-regression', 13],
  ['03-cnn', 17],
  ['04-backprop', 14],
  ['05-transformer', 18],
] as const;

/** A student's results of the whole course (exercise/, as their Actions run uploads it), drawn from `random`: most checks pass, some fail or throw. */
function generatedResults(random: () => number): Results {
  const skill = random();
  const lessons = COURSE.map(([id, count]) => {
    const checks: CheckResult[] = Array.from({ length: count }, (_, i) => {
      const roll = random();
      const status = roll < 0.55 + 0.45 * skill ? 'pass' : roll < 0.95 ? 'fail' : 'error';
      const maxPoints = 1 + (i % 3);
      return {
        id: `check-${String(i + 1).padStart(2, '0')}`,
        title: `${id} check number ${i + 1}`,
        status,
        points: status === 'pass' ? maxPoints : 0,
        maxPoints,
        message: status === 'pass' ? 'as expected' : status === 'error' ? 'not implemented: the training loop' : `loss ${(random() * 3).toFixed(3)}, expected at most ${(0.5 + i / 10).toFixed(2)}: usually the learning rate`,
        figures: {},
        causes: [],
        buildsOn: [],
        durationMs: 100,
      };
    });
    const points = checks.reduce((sum, check) => sum + check.points, 0);
    const maxPoints = checks.reduce((sum, check) => sum + check.maxPoints, 0);
    return { id, title: `Lesson ${id}`, points, maxPoints, checks, curve: curveFor((1 - skill) * 2, random() < 0.05) };
  });
  return ResultsSchema.parse({
    schemaVersion: 1,
    target: 'exercise',
    backend: 'wasm',
    seed: 1,
    points: lessons.reduce((sum, lesson) => sum + lesson.points, 0),
    maxPoints: lessons.reduce((sum, lesson) => sum + lesson.maxPoints, 0),
    lessons,
  });
}

describe('TA tools: the comparison report in a browser', function () {
  let browser: BrowserContext | undefined;
  let dir: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is not installed; on Debian: apt-get install chromium)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'compare-report-'));
    // A fresh profile folder each run: playwright passes it as --user-data-dir.
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const page = await browser!.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(file).href);
    return { page, requests, errors };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const shots = join(repoDir, '.cache', 'screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, name) });
  }

  it('five submissions: summary, grid with messages in view, every curve, the diffs, offline', async () => {
    const file = join(dir, 'compare.html');
    writeFileSync(file, compareHtml(submissions(), 'Lesson 3, section B'));
    const { page, requests, errors } = await open(file);

    expect(await page.title()).to.equal('Lesson 3, section B');
    expect(await page.locator('#summary').innerText()).to.include('4 of 5 submissions graded');
    // The check most failed comes first: loss-curve and accuracy fail for three of four.
    expect(await page.locator('table.pass-rates tbody tr').first().getAttribute('data-check')).to.equal('03-cnn/accuracy');
    expect(await page.locator('table.pass-rates tr[data-check="03-cnn/accuracy"] td.failed').innerText()).to.equal('3');

    expect(await page.locator('table.matrix tbody tr').count()).to.equal(5);
    const bob = page.locator('tr[data-submission="bob"]');
    // Collapsed: one cell for the lesson, with its points.
    expect(await bob.locator('td.lesson-cell').innerText()).to.equal('2');
    expect(await bob.locator('td.total').innerText()).to.equal('2 / 6');
    await page.locator('button[data-toggle="03-cnn"]').click();
    expect(await bob.locator('td.pass').count()).to.equal(2);
    expect(await bob.locator('td.fail').count()).to.equal(2);
    // A failing check's message is in the cell, not only in a tooltip.
    expect(await bob.locator('td.fail .msg').first().innerText()).to.equal('7 of 20 slices outside the band');
    await bob.locator('td.fail').last().click();
    expect(await page.locator('#message').innerText()).to.match(/bob · 03-cnn \/ accuracy .*FAIL, 0 of 2 points\naccuracy 0\.730/);
    expect(await page.locator('tr[data-submission="eve"] td.error').innerText()).to.include('did not finish within 900 s');
    expect(await page.locator('#submission-mallory').innerText()).to.match(/accuracy 0\.790 \(reference 0\.850\)/);

    // Every graded submission's curve, the failing ones too (trent's stops where its loss does).
    const chart = page.locator('figure.curves svg');
    expect(await chart.count()).to.equal(1);
    expect((await chart.boundingBox())!.width).to.be.greaterThan(800);
    for (const name of ['alice', 'bob', 'mallory', 'trent']) expect(await chart.locator(`.series[data-key="${name}"]`).count(), name).to.be.at.least(1);
    expect(await chart.locator('.reference-band').count()).to.equal(1);
    await page.locator('tr[data-submission="trent"] th.name').click();
    expect(await chart.locator('.series.picked').count()).to.equal(await chart.locator('.series[data-key="trent"]').count());
    expect(await chart.locator('.series.picked[data-key="trent"]').count()).to.be.at.least(1);

    const details = page.locator('#submission-bob details');
    await details.locator('summary').click();
    expect(await details.locator('pre.diff .add').innerText()).to.equal('+  learningRate: 0.5,');
    expect(await page.locator('#submission-mallory .warning').innerText()).to.include('possible tampering');

    expect(requests.filter((url) => !url.startsWith('file:'))).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await screenshot(page, 'compare-report.png');
  });

  it('a class of 300 results files of the whole course: opens quickly, sorts, filters and expands', async () => {
    const artifacts = join(dir, 'artifacts');
    mkdirSync(artifacts);
    const random = seedrandom('class of 300');
    const files = Array.from({ length: 300 }, (_, i) => {
      const name = `student-${String(i + 1).padStart(3, '0')}`;
      const path = join(artifacts, `${name}.json`);
      writeFileSync(path, JSON.stringify(generatedResults(random)));
      return path;
    });
    const reports = await compareSubmissions(files, { jobs: 2 });
    const file = join(dir, 'class.html');
    writeFileSync(file, compareHtml(reports, 'Class of 300'));
    const megabytes = statSync(file).size / 1e6;

    const started = Date.now();
    const { page, requests, errors } = await open(file);
    await page.locator('table.matrix tbody tr').nth(299).waitFor();
    const loadMs = Date.now() - started;
    console.log(`      300 submissions × 73 checks: compare.html ${megabytes.toFixed(2)} MB, loaded and drawn in ${loadMs} ms`);
    expect(megabytes).to.be.below(8);
    expect(loadMs).to.be.below(15_000);

    expect(await page.locator('#summary .histogram rect.bin').count()).to.equal(10);
    const binCounts = await page.locator('#summary .histogram rect.bin').evaluateAll((bins) => bins.map((bin) => Number(bin.getAttribute('data-count'))));
    expect(binCounts.reduce((a, b) => a + b, 0)).to.equal(300);
    expect(await page.locator('table.lesson-means tbody tr').count()).to.equal(5);
    expect(await page.locator('table.pass-rates tbody tr').count()).to.equal(73);

    // Sorted by total, highest first; the totals column stays in view, pinned to the right.
    await page.locator('table.matrix thead th.total').click();
    const totals = await page.locator('table.matrix tbody td.total').evaluateAll((cells) => cells.map((cell) => Number(cell.textContent!.split(' / ')[0])));
    expect(totals).to.deep.equal([...totals].sort((a, b) => b - a));
    await page.locator('button[name="expand"]').click();
    expect(await page.locator('table.matrix tbody tr').first().locator('td[data-column]').count()).to.equal(73);
    const total = await page.locator('table.matrix tbody tr').first().locator('td.total').boundingBox();
    expect(total!.x + total!.width).to.be.at.most(1280);
    expect(total!.x).to.be.greaterThan(1000);

    // Filters: one student; then who failed one check, from the summary's table.
    await page.locator('input[name="student"]').fill('student-042');
    expect(await page.locator('table.matrix tbody tr').count()).to.equal(1);
    await page.locator('input[name="student"]').fill('');
    const hardest = page.locator('table.pass-rates tbody tr').first();
    const failed = Number(await hardest.locator('td.failed').innerText()) + Number(await hardest.locator('td.errors').innerText());
    await hardest.locator('a.show-failing').click();
    expect(await page.locator('table.matrix tbody tr').count()).to.equal(failed);
    expect(await page.locator('table.matrix tbody tr').first().locator('td[data-column]').count()).to.equal(1);
    await page.locator('select[name="lesson"]').selectOption('exercise/03-cnn');
    await page.locator('input[name="check"]').fill('');
    await page.locator('input[name="failing"]').uncheck();
    expect(await page.locator('table.matrix tbody tr').first().locator('td[data-column]').count()).to.equal(17);

    // Every student's curve in every lesson, failing or not.
    expect(await page.locator('figure.curves').count()).to.equal(5);
    const keys = await page.locator('figure.curves[data-lesson="exercise/03-cnn"] .series').evaluateAll((lines) => new Set(lines.map((line) => line.getAttribute('data-key'))).size);
    expect(keys).to.equal(300);

    expect(requests.filter((url) => !url.startsWith('file:'))).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await page.locator('#grid').scrollIntoViewIfNeeded();
    await screenshot(page, 'class-report-300.png');
  });
});
