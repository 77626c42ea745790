// Self-contained HTML and SVG: a results document as a page that works offline
// (no scripts or styles from elsewhere), and the loss chart that the page, the
// job summary's artifact and the TA's comparison report share.
//
// The chart is drawn here rather than with a plotting library: what it shows is
// a band and a few polylines over [0, 1], which takes a hundred lines of SVG,
// while the libraries that render SVG without a browser (Vega and the like)
// bring megabytes of dependencies, and none is installed in this repository.
import { provenanceLine } from '../provenance.ts';
import type { Curve, LessonResult, Results } from '../results.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export interface ChartLine {
  name: string;
  values: readonly (number | null)[];
  color: string;
  /** Wider lines stand out (the student's own); thin ones make a crowd readable. */
  width?: number;
  dashed?: boolean;
  /** Set as data-key on the line's SVG elements, so a page's script can pick it out. */
  key?: string;
}

export interface ChartOptions {
  title: string;
  band?: { low: readonly number[]; median: readonly number[]; high: readonly number[] };
  lines: readonly ChartLine[];
  width?: number;
  height?: number;
  /** Legend entries beyond this many are summarised, so a class of 30 fits. */
  maxLegend?: number;
}

const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };

/** A line chart of loss against the fraction of training done, with the reference band shaded. */
export function lossChartSvg(options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const legendRows = Math.min(options.lines.length, options.maxLegend ?? 8) + (options.band ? 1 : 0);
  const legendHeight = 16 * legendRows + 8;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const finite = [
    ...(options.band ? [...options.band.low, ...options.band.high] : []),
    ...options.lines.flatMap((line) => line.values),
  ].filter((value): value is number => value !== null && Number.isFinite(value));
  let [low, high] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
  if (high - low < 1e-9) [low, high] = [low - 0.5, high + 0.5];
  const pad = (high - low) * 0.05;
  [low, high] = [Math.max(0, low - pad), high + pad];
  const x = (i: number, n: number) => MARGIN.left + (n <= 1 ? 0 : (i / (n - 1)) * plotW);
  const y = (value: number) => MARGIN.top + plotH - ((value - low) / (high - low)) * plotH;
  const num = (value: number) => value.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + legendHeight}" viewBox="0 0 ${width} ${height + legendHeight}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="bold">${escapeHtml(options.title)}</text>`,
  );
  for (let tick = 0; tick <= 4; tick++) {
    const value = low + ((high - low) * tick) / 4;
    const ty = y(value);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${num(ty)}" y2="${num(ty)}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 6}" y="${num(ty + 4)}" text-anchor="end">${value.toFixed(2)}</text>`,
    );
    const tx = MARGIN.left + (plotW * tick) / 4;
    parts.push(`<text x="${num(tx)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${tick * 25}%</text>`);
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 32}" text-anchor="middle">training done</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">loss</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  if (options.band) {
    const { low: bandLow, high: bandHigh, median } = options.band;
    const upper = bandHigh.map((value, i) => `${num(x(i, bandHigh.length))},${num(y(value))}`);
    const lower = bandLow.map((value, i) => `${num(x(i, bandLow.length))},${num(y(value))}`).reverse();
    parts.push(
      `<polygon class="reference-band" points="${[...upper, ...lower].join(' ')}" fill="#9ec5ff" fill-opacity="0.45" stroke="none"/>`,
      ...segments(median).map(
        (segment) =>
          `<polyline class="reference-median" points="${segment.map((i) => `${num(x(i, median.length))},${num(y(median[i]!))}`).join(' ')}" fill="none" stroke="#2f6fd6" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      ),
    );
  }
  for (const line of options.lines) {
    const key = line.key === undefined ? '' : ` data-key="${escapeHtml(line.key)}"`;
    for (const segment of segments(line.values)) {
      const points = segment.map((i) => `${num(x(i, line.values.length))},${num(y(line.values[i]!))}`).join(' ');
      parts.push(
        segment.length === 1
          ? `<circle class="series"${key} cx="${points.split(',')[0]}" cy="${points.split(',')[1]}" r="2.5" fill="${line.color}"><title>${escapeHtml(line.name)}</title></circle>`
          : `<polyline class="series"${key} points="${points}" fill="none" stroke="${line.color}" stroke-width="${line.width ?? 2}"${line.dashed ? ' stroke-dasharray="4 3"' : ''}><title>${escapeHtml(line.name)}</title></polyline>`,
      );
    }
  }
  // The legend sits under the plot so that it never hides a curve.
  let row = 0;
  const legendY = () => height + 4 + 16 * row++;
  if (options.band) {
    const ly = legendY();
    parts.push(
      `<rect x="${MARGIN.left}" y="${ly}" width="18" height="10" fill="#9ec5ff" fill-opacity="0.45" stroke="#2f6fd6"/>`,
      `<text x="${MARGIN.left + 24}" y="${ly + 9}">reference band (dashed: its median)</text>`,
    );
  }
  const shown = options.lines.slice(0, options.maxLegend ?? 8);
  for (const [index, line] of shown.entries()) {
    const last = index === shown.length - 1 && options.lines.length > shown.length;
    const ly = legendY();
    const label = last ? `${line.name} and ${options.lines.length - shown.length} more` : line.name;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + 18}" y1="${ly + 5}" y2="${ly + 5}" stroke="${line.color}" stroke-width="${line.width ?? 2}"/>`,
      `<text x="${MARGIN.left + 24}" y="${ly + 9}">${escapeHtml(label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Runs of consecutive finite values, as index lists: a curve is not drawn through a NaN. */
function segments(values: readonly (number | null)[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  values.forEach((value, i) => {
    if (value !== null && Number.isFinite(value)) current.push(i);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  });
  if (current.length) out.push(current);
  return out;
}

export const STUDENT_COLOR = '#d62728';

/** One lesson's curve: the student's loss over the reference band. */
export function lessonChartSvg(lessonId: string, curve: Curve, studentName = 'yours'): string {
  return lossChartSvg({
    title: `${lessonId}: loss over training`,
    band: { low: curve.referenceLow, median: curve.referenceMedian, high: curve.referenceHigh },
    lines: [{ name: studentName, values: curve.student, color: STUDENT_COLOR, width: 2.5 }],
  });
}

/** Every lesson's chart in one SVG document, stacked, for the job summary's artifact. */
export function svgReport(results: Results): string {
  const charts = results.lessons.filter((lesson) => lesson.curve).map((lesson) => lessonChartSvg(lesson.id, lesson.curve!));
  if (charts.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40"><text x="8" y="24" font-family="sans-serif">no lesson of ${escapeHtml(results.target)} recorded a loss curve</text></svg>`;
  }
  let offset = 0;
  const placed = charts.map((chart) => {
    const height = Number(/height="(\d+)"/.exec(chart)![1]);
    const out = `<g transform="translate(0 ${offset})">${chart.replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '')}</g>`;
    offset += height;
    return out;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${offset}" viewBox="0 0 640 ${offset}">\n${placed.join('\n')}\n</svg>`;
}

export const PAGE_STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1200px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { background: #e3f6e3; } .fail { background: #fde2e1; } .error { background: #fff0c8; } .missing { background: #eee; color: #777; }
.message { font-size: 0.9em; color: #444; max-width: 60ch; }
pre.diff { background: #fafafa; border: 1px solid #ddd; padding: 0.5rem; overflow-x: auto; font-size: 0.85em; }
pre.diff .add { color: #116611; } pre.diff .del { color: #aa1111; } pre.diff .hunk { color: #555; } pre.diff .file { font-weight: bold; }
.warning { color: #8a4b00; }
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
${body}
</body>
</html>`;
}

function lessonSection(lesson: LessonResult): string {
  const rows = lesson.checks
    .map(
      (check) =>
        `<tr class="${check.status}"><td>${check.status.toUpperCase()}</td><td>${escapeHtml(check.title)}<br><code>${escapeHtml(check.id)}</code></td>` +
        `<td class="num">${check.points} / ${check.maxPoints}</td><td class="message">${escapeHtml(check.message)}</td></tr>`,
    )
    .join('\n');
  return `<section class="lesson" id="lesson-${escapeHtml(lesson.id)}">
<h2>${escapeHtml(lesson.id)}: ${escapeHtml(lesson.title)} (${lesson.points} / ${lesson.maxPoints} points)</h2>
<table><thead><tr><th>status</th><th>check</th><th>points</th><th>what it measured</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${lesson.curve ? `<figure>${lessonChartSvg(lesson.id, lesson.curve)}</figure>` : ''}
</section>`;
}

/** `--format html`: one results document as a page. */
export function htmlReport(results: Results): string {
  return page(
    `Grading ${results.target}`,
    `<h1>Grading ${escapeHtml(results.target)}: ${results.points} / ${results.maxPoints} points</h1>
<p>Backend ${escapeHtml(results.backend)}, seed ${results.seed}.</p>
${provenanceLine(results) ? `<p class="provenance">${escapeHtml(provenanceLine(results))}</p>` : ''}
${results.lessons.map(lessonSection).join('\n')}`,
  );
}
