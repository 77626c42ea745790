// The class at a glance, first thing in the TA's report: how the totals are
// spread, the mean of each lesson, and where the class struggles (every check's
// pass rate, the most failed first). Plain HTML and SVG, drawn on the server.
import { escapeHtml } from '../reporters/html.ts';
import type { CheckResult } from '../results.ts';
import type { SubmissionReport } from './submission.ts';

export interface Column {
  lesson: string;
  check: string;
  title: string;
  maxPoints: number;
}

/** Every (lesson, check) pair that any submission has, in the order they first appear. */
export function columnsOf(reports: readonly SubmissionReport[]): Column[] {
  const columns = new Map<string, Column>();
  for (const report of reports) {
    for (const lesson of report.results?.lessons ?? []) {
      for (const check of lesson.checks) {
        const key = `${lesson.id}\u0000${check.id}`;
        if (!columns.has(key)) columns.set(key, { lesson: lesson.id, check: check.id, title: check.title, maxPoints: check.maxPoints });
      }
    }
  }
  return [...columns.values()];
}

export function checkOf(report: SubmissionReport, column: Column): CheckResult | undefined {
  return report.results?.lessons.find((lesson) => lesson.id === column.lesson)?.checks.find((check) => check.id === column.check);
}

const percent = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);
const bar = (value: number) => `<span class="bar"><span style="width:${value.toFixed(1)}%"></span></span>`;

/** Totals as a share of each submission's maximum, in ten bins of 10 %. */
function histogramSvg(shares: readonly number[]): string {
  const bins = Array.from({ length: 10 }, () => 0);
  for (const share of shares) bins[Math.min(9, Math.floor(share / 10))]!++;
  const [width, height, left, bottom] = [520, 180, 32, 30];
  const step = (width - left) / 10;
  const top = Math.max(1, ...bins);
  const bars = bins.map((count, i) => {
    const h = ((height - bottom - 16) * count) / top;
    const x = left + i * step;
    return (
      `<rect class="bin" data-count="${count}" x="${(x + 2).toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${(step - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="#4e79a7"><title>${i * 10}–${i * 10 + 10} %: ${count}</title></rect>` +
      `<text x="${(x + step / 2).toFixed(1)}" y="${(height - bottom - h - 3).toFixed(1)}" text-anchor="middle">${count || ''}</text>` +
      `<text x="${(x + step / 2).toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle">${i * 10}–${i * 10 + 10}</text>`
    );
  });
  return `<svg class="histogram" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="distribution of totals">
<line x1="${left}" x2="${width}" y1="${height - bottom}" y2="${height - bottom}" stroke="#999"/>
${bars.join('\n')}
<text x="${(left + width) / 2}" y="${height - 2}" text-anchor="middle">total, % of the points</text>
</svg>`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function classSummaryHtml(reports: readonly SubmissionReport[], columns: readonly Column[]): string {
  const graded = reports.filter((report) => report.results);
  if (graded.length === 0) return '<p>No submission was graded.</p>';
  const shares = graded.map((report) => percent(report.results!.points, report.results!.maxPoints));

  const lessons = [...new Set(columns.map((column) => column.lesson))];
  const lessonRows = lessons.map((id) => {
    const results = graded.map((report) => report.results!.lessons.find((lesson) => lesson.id === id)).filter((lesson) => lesson !== undefined);
    const max = Math.max(...results.map((lesson) => lesson.maxPoints));
    const mean = results.reduce((sum, lesson) => sum + lesson.points, 0) / Math.max(1, results.length);
    const full = results.filter((lesson) => lesson.points === lesson.maxPoints).length;
    return `<tr data-lesson="${escapeHtml(id)}"><th>${escapeHtml(id)}</th><td class="num">${mean.toFixed(2)} / ${max}</td><td>${bar(percent(mean, max))} ${percent(mean, max).toFixed(0)} %</td><td class="num">${full} of ${results.length}</td></tr>`;
  });

  const checkRows = columns
    .map((column, order) => {
      const checks = graded.map((report) => checkOf(report, column)).filter((check) => check !== undefined);
      const count = (status: string) => checks.filter((check) => check.status === status).length;
      return { column, order, passed: count('pass'), failed: count('fail'), errors: count('error'), total: checks.length };
    })
    .sort((a, b) => b.failed + b.errors - (a.failed + a.errors) || a.order - b.order)
    .map(({ column, passed, failed, errors, total }) => {
      const key = `${column.lesson}/${column.check}`;
      return `<tr data-check="${escapeHtml(key)}"><td>${escapeHtml(column.lesson)}</td><td><a href="#grid" class="show-failing" data-check="${escapeHtml(key)}"><code>${escapeHtml(column.check)}</code></a> ${escapeHtml(column.title)}</td><td class="num failed">${failed}</td><td class="num errors">${errors}</td><td class="num">${passed} of ${total}</td><td>${bar(percent(passed, total))} ${percent(passed, total).toFixed(0)} %</td></tr>`;
    });

  const mean = shares.reduce((sum, share) => sum + share, 0) / shares.length;
  return `<section id="summary">
<h2>The class</h2>
<p class="figures">${graded.length} of ${reports.length} submissions graded${reports.length > graded.length ? ` (${reports.length - graded.length} could not be: see the grid)` : ''}; mean total ${mean.toFixed(1)} %, median ${median(shares).toFixed(1)} %.</p>
<div class="summary-row">
<figure><figcaption>Distribution of totals</figcaption>${histogramSvg(shares)}</figure>
<figure><figcaption>Mean points per lesson</figcaption>
<table class="lesson-means"><thead><tr><th>lesson</th><th>mean</th><th></th><th>full marks</th></tr></thead><tbody>
${lessonRows.join('\n')}
</tbody></table></figure>
</div>
<h3>Where the class struggles: pass rate per check, most failed first</h3>
<p>Click a check to see in the grid who failed it.</p>
<div class="scroll-box"><table class="pass-rates"><thead><tr><th>lesson</th><th>check</th><th>failed</th><th>errors</th><th>passed</th><th>pass rate</th></tr></thead><tbody>
${checkRows.join('\n')}
</tbody></table></div>
</section>`;
}
