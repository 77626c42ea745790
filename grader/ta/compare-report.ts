// The TA's comparison of many submissions, as one HTML page that works offline
// (inline styles and SVG, no scripts) and as CSV: a submission × check matrix
// of points, every submission's loss curve over the reference band, the
// metrics against the reference, files changed outside the lessons, and each
// submission's student files diffed against the solution.
import { provenanceLine } from '../provenance.ts';
import type { CheckResult, Curve } from '../results.ts';
import { escapeHtml, lossChartSvg, page } from '../reporters/html.ts';
import type { SubmissionReport } from './submission.ts';

interface Column {
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

function checkOf(report: SubmissionReport, column: Column): CheckResult | undefined {
  return report.results?.lessons.find((lesson) => lesson.id === column.lesson)?.checks.find((check) => check.id === column.check);
}

/** A metric check reports its value next to `referenceMedian` (e.g. accuracy against the reference's). */
function metricsOf(report: SubmissionReport): { lesson: string; metric: string; value: number | null; reference: number }[] {
  return (report.results?.lessons ?? []).flatMap((lesson) =>
    lesson.checks.flatMap((check) => {
      const reference = check.figures.referenceMedian;
      if (typeof reference !== 'number') return [];
      return Object.entries(check.figures)
        .filter(([key]) => !['referenceMedian', 'threshold', 'steps', 'slicesOutside', 'finalLoss', 'referenceFinalLoss', 'firstNonFiniteStep'].includes(key))
        .slice(0, 1)
        .map(([metric, value]) => ({ lesson: lesson.id, metric, value, reference }));
    }),
  );
}

const PALETTE = ['#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#ff7f0e', '#1f77b4'];

function curvesSection(reports: readonly SubmissionReport[]): string {
  const lessons = [...new Set(reports.flatMap((report) => (report.results?.lessons ?? []).filter((l) => l.curve).map((l) => l.id)))];
  return lessons
    .map((lessonId) => {
      const withCurve = reports
        .map((report) => ({ report, curve: report.results?.lessons.find((lesson) => lesson.id === lessonId)?.curve }))
        .filter((entry): entry is { report: SubmissionReport; curve: Curve } => entry.curve !== undefined);
      const reference = withCurve[0]!.curve;
      const svg = lossChartSvg({
        title: `${lessonId}: loss over training, ${withCurve.length} submissions`,
        band: { low: reference.referenceLow, median: reference.referenceMedian, high: reference.referenceHigh },
        lines: withCurve.map(({ report, curve }, i) => ({
          name: report.name,
          values: curve.student,
          color: PALETTE[i % PALETTE.length]!,
          width: withCurve.length > 10 ? 1.2 : 2,
        })),
        width: 900,
        height: 420,
        maxLegend: 12,
      });
      return `<figure class="curves" data-lesson="${escapeHtml(lessonId)}">${svg}</figure>`;
    })
    .join('\n');
}

function diffHtml(diff: string): string {
  return diff
    .split('\n')
    .map((line) => {
      const kind = /^(\+\+\+|---) /.test(line) ? 'file' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : '';
      return kind ? `<span class="${kind}">${escapeHtml(line)}</span>` : escapeHtml(line);
    })
    .join('\n');
}

function submissionDetails(report: SubmissionReport): string {
  const files = report.files.length
    ? report.files
        .map((file) =>
          file.missing
            ? `<p><code>${escapeHtml(file.path)}</code>: missing from the submission</p>`
            : file.diff
              ? `<details><summary><code>${escapeHtml(file.path)}</code> against the solution</summary><pre class="diff">${diffHtml(file.diff)}</pre></details>`
              : `<p><code>${escapeHtml(file.path)}</code>: the same as the solution</p>`,
        )
        .join('\n')
    : report.error
      ? ''
      : '<p>No student files: compared from a results file, without grading again.</p>';
  const tampering = report.tampering.length
    ? `<p class="warning">Files changed outside the student lesson files (possible tampering; the trusted grader was used):</p><ul>${report.tampering.map((path) => `<li><code>${escapeHtml(path)}</code>${report.tamperingSummary?.[path] ? ` (${escapeHtml(report.tamperingSummary[path]!)})` : ''}</li>`).join('')}</ul>`
    : '';
  return `<section class="submission" id="submission-${escapeHtml(report.name)}">
<h3>${escapeHtml(report.name)}</h3>
<p>From <code>${escapeHtml(report.source)}</code>${report.durationMs ? `, graded in ${(report.durationMs / 1000).toFixed(1)} s` : ''}.</p>
${report.results && provenanceLine(report.results) ? `<p class="provenance">${escapeHtml(provenanceLine(report.results))}</p>` : ''}
${report.error ? `<p class="warning">Not graded: ${escapeHtml(report.error)}</p>` : ''}
${tampering}
${files}
</section>`;
}

export function compareHtml(reports: readonly SubmissionReport[], title = 'Submissions compared'): string {
  const columns = columnsOf(reports);
  const lessons = [...new Set(columns.map((column) => column.lesson))];
  const lessonHeader = lessons
    .map((lesson) => `<th colspan="${columns.filter((column) => column.lesson === lesson).length}">${escapeHtml(lesson)}</th>`)
    .join('');
  const checkHeader = columns
    .map((column) => `<th title="${escapeHtml(column.title)}"><code>${escapeHtml(column.check)}</code><br>/${column.maxPoints}</th>`)
    .join('');
  const rows = reports
    .map((report) => {
      const cells = report.error
        ? `<td class="error" colspan="${Math.max(columns.length, 1)}">${escapeHtml(report.error)}</td>`
        : columns
            .map((column) => {
              const check = checkOf(report, column);
              if (!check) return '<td class="missing num">–</td>';
              return `<td class="${check.status} num" title="${escapeHtml(check.message)}">${check.points}</td>`;
            })
            .join('');
      const metrics = metricsOf(report)
        .map((m) => `${escapeHtml(m.lesson)} ${escapeHtml(m.metric)} ${m.value === null ? '–' : m.value.toFixed(3)} (reference ${m.reference.toFixed(3)})`)
        .join('<br>');
      const total = report.results ? `${report.results.points} / ${report.results.maxPoints}` : '–';
      return `<tr data-submission="${escapeHtml(report.name)}"><th><a href="#submission-${escapeHtml(report.name)}">${escapeHtml(report.name)}</a></th>${cells}<td class="num total">${total}</td><td>${metrics}</td><td class="num">${report.tampering.length || ''}</td></tr>`;
    })
    .join('\n');
  const graded = reports.filter((report) => report.results);
  const mean = graded.length ? graded.reduce((sum, report) => sum + report.results!.points, 0) / graded.length : 0;
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>${reports.length} submissions, ${graded.length} graded; mean ${mean.toFixed(2)} points. Hover a cell for the check's message.</p>
<h2>Points per check</h2>
<table class="matrix">
<thead><tr><th rowspan="2">submission</th>${lessonHeader}<th rowspan="2">total</th><th rowspan="2">against the reference</th><th rowspan="2">files changed outside lessons</th></tr>
<tr>${checkHeader}</tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Loss curves</h2>
${curvesSection(reports) || '<p>No submission recorded a loss curve.</p>'}
<h2>Submissions</h2>
${reports.map(submissionDetails).join('\n')}`,
  );
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function compareCsv(reports: readonly SubmissionReport[]): string {
  const columns = columnsOf(reports);
  const header = ['submission', 'source', 'points', 'max_points', ...columns.map((column) => `${column.lesson}/${column.check}`), 'changed_outside_lessons', 'error'];
  const rows = reports.map((report) => [
    report.name,
    report.source,
    report.results?.points ?? '',
    report.results?.maxPoints ?? '',
    ...columns.map((column) => checkOf(report, column)?.points ?? ''),
    report.tampering.join(' '),
    report.error ?? '',
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
