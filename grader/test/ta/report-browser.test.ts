// The TA's comparison report, opened in a real browser: headless Chromium from
// the system (Debian's `chromium` package, which .ci/run installs; on GitHub's
// runners their Chrome, named by CHROMIUM) driven by playwright-core. Skipped,
// saying why, where there is no such browser.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { chromium, type BrowserContext } from 'playwright-core';
import { repoDir } from '../../registry.ts';
import { compareHtml } from '../../ta/compare-report.ts';
import type { SubmissionReport } from '../../ta/submission.ts';
import { fixtureResults } from '../reporters/fixtures.ts';

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

  it('shows the matrix, the curves and the diffs, offline, and takes a screenshot', async () => {
    const file = join(dir, 'compare.html');
    writeFileSync(file, compareHtml(submissions(), 'Lesson 3, section B'));
    const page = await browser!.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(file).href);

    expect(await page.title()).to.equal('Lesson 3, section B');
    expect(await page.locator('table.matrix tbody tr').count()).to.equal(5);
    const bob = page.locator('tr[data-submission="bob"]');
    expect(await bob.locator('td.pass').count()).to.equal(2);
    expect(await bob.locator('td.fail').count()).to.equal(2);
    expect(await bob.locator('td.total').innerText()).to.equal('2 / 6');
    expect(await page.locator('tr[data-submission="eve"] td.error').innerText()).to.include('did not finish within 900 s');
    expect(await page.locator('tr[data-submission="mallory"]').innerText()).to.match(/accuracy 0\.790 \(reference 0\.850\)/);

    const chart = page.locator('figure.curves svg');
    expect(await chart.count()).to.equal(1);
    const box = (await chart.boundingBox())!;
    expect(box.width).to.be.greaterThan(800);
    // Four curves (trent's in two pieces, around its missing slices), the band and its median.
    expect(await chart.locator('.series').count()).to.be.at.least(4);
    expect(await chart.locator('.reference-band').count()).to.equal(1);

    const details = page.locator('#submission-bob details');
    await details.locator('summary').click();
    expect(await details.locator('pre.diff .add').innerText()).to.equal('+  learningRate: 0.5,');
    expect(await page.locator('#submission-mallory .warning').innerText()).to.include('possible tampering');

    expect(requests.filter((url) => !url.startsWith('file:'))).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    const shots = join(repoDir, '.cache', 'screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'compare-report.png'), fullPage: true });
  });
});
