// The TA's comparison of many submissions, up to a whole class, as one HTML
// page that works offline (everything inline, nothing fetched) and as CSV.
// First the class at a glance (class-summary.ts); then the grid of points,
// collapsed per lesson, that sorts and filters (compare-grid.ts); every
// submission's loss curves, failing ones included, over the reference band;
// and per submission, where it came from, files changed outside the lessons
// and its student files diffed against the solution.
import { provenanceLine } from '../provenance.ts';
import type { Curve } from '../results.ts';
import { escapeHtml, lossChartSvg, page } from '../reporters/html.ts';
import { checkOf, classSummaryHtml, columnsOf } from './class-summary.ts';
import { GRID_STYLE, gridData, gridHtml } from './compare-grid.ts';
import type { SubmissionReport } from './submission.ts';

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

// Whole marks in the lesson: grey; anything less: red. With 300 curves a colour
// per student says nothing; what the TA looks for is where the failing ones go.
const PASSED_COLOR = '#7f8c8d';
const FAILED_COLOR = '#d62728';

function curvesSection(reports: readonly SubmissionReport[]): string {
  const lessons = [...new Set(reports.flatMap((report) => (report.results?.lessons ?? []).filter((l) => l.curve).map((l) => l.id)))];
  return lessons
    .map((lessonId) => {
      const withCurve = reports
        .map((report) => ({ report, lesson: report.results?.lessons.find((lesson) => lesson.id === lessonId) }))
        .filter((entry): entry is { report: SubmissionReport; lesson: NonNullable<typeof entry.lesson> & { curve: Curve } } => entry.lesson?.curve !== undefined);
      const failing = withCurve.filter(({ lesson }) => lesson.points < lesson.maxPoints).length;
      const reference = withCurve[0]!.lesson.curve;
      // The failing ones last, so that they are drawn over the crowd of passing ones.
      const ordered = [...withCurve].sort((a, b) => Number(a.lesson.points < a.lesson.maxPoints) - Number(b.lesson.points < b.lesson.maxPoints));
      const svg = lossChartSvg({
        title: `${lessonId}: loss over training, ${withCurve.length} submissions (red: ${failing} without full marks in the lesson)`,
        band: { low: reference.referenceLow, median: reference.referenceMedian, high: reference.referenceHigh },
        lines: ordered.map(({ report, lesson }) => ({
          name: report.name,
          key: report.name,
          values: lesson.curve.student,
          color: lesson.points < lesson.maxPoints ? FAILED_COLOR : PASSED_COLOR,
          width: withCurve.length > 10 ? 1 : 2,
        })),
        width: 900,
        height: 420,
        maxLegend: withCurve.length > 12 ? 0 : 12,
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
  const metrics = metricsOf(report)
    .map((m) => `<li>${escapeHtml(m.lesson)} ${escapeHtml(m.metric)} ${m.value === null ? '–' : m.value.toFixed(3)} (reference ${m.reference.toFixed(3)})</li>`)
    .join('');
  return `<section class="submission" id="submission-${escapeHtml(report.name)}">
<h3>${escapeHtml(report.name)}${report.results ? `: ${report.results.points} / ${report.results.maxPoints}` : ''}</h3>
<p>From <code>${escapeHtml(report.source)}</code>${report.durationMs ? `, graded in ${(report.durationMs / 1000).toFixed(1)} s` : ''}.</p>
${report.results && provenanceLine(report.results) ? `<p class="provenance">${escapeHtml(provenanceLine(report.results))}</p>` : ''}
${report.error ? `<p class="warning">Not graded: ${escapeHtml(report.error)}</p>` : ''}
${metrics ? `<p>Against the reference:</p><ul class="metrics">${metrics}</ul>` : ''}
${tampering}
${files}
</section>`;
}

const REPORT_STYLE = `${GRID_STYLE}
.summary-row { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
figure { margin: 0.5rem 0; } figcaption { font-weight: bold; margin-bottom: 0.3rem; }
.bar { display: inline-block; width: 8rem; height: 0.7rem; background: #eee; vertical-align: middle; }
.bar > span { display: block; height: 100%; background: #4e79a7; }
.scroll-box { max-height: 24rem; overflow: auto; border: 1px solid #ddd; }
.pass-rates td.failed { color: #b00; font-weight: bold; }
figure.curves .series.picked { stroke: #000; stroke-width: 3; }
section.submission { border-top: 1px solid #ddd; }
`;

export function compareHtml(reports: readonly SubmissionReport[], title = 'Submissions compared'): string {
  const columns = columnsOf(reports);
  return page(
    title,
    `<style>${REPORT_STYLE}</style>
<h1>${escapeHtml(title)}</h1>
${classSummaryHtml(reports, columns)}
${gridHtml(gridData(reports, columns))}
<h2>Loss curves</h2>
<p>Every submission's curve in each lesson, against the reference band. Click a name in the grid to pick out that student's curves.</p>
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
