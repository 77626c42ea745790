// Markdown for GitHub's job summary (and anything else that renders Markdown):
// a table of checks and points per lesson, and the loss curve against the
// reference band.
//
// The curve is a Mermaid chart: GitHub renders Mermaid blocks in job summaries
// but strips `data:` image URLs from rendered Markdown, so an SVG cannot be
// inlined there; the workflow uploads the same curves as SVG (`--format svg`)
// and as an HTML page with the results artifact.
import { provenanceLine } from '../provenance.ts';
import type { CheckResult, Curve, LessonResult, Results } from '../results.ts';

const ICON = { pass: '✅', fail: '❌', error: '⚠️' } as const;

/** Table cells cannot hold pipes or newlines. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

function checkRow(check: CheckResult): string {
  const message = check.status === 'pass' ? '' : cell(check.message);
  return `| ${ICON[check.status]} | ${cell(check.title)} | ${check.points} / ${check.maxPoints} | ${message} |`;
}

const round = (value: number) => Number(value.toFixed(4));

/** A Mermaid xychart of one lesson's curve; lines in order: band low, median, band high, the student's. */
export function mermaidCurve(lessonId: string, curve: Curve): string {
  const n = curve.student.length;
  const percents = Array.from({ length: n }, (_, i) => (n <= 1 ? 0 : Math.round((100 * i) / (n - 1))));
  // Mermaid has no gaps in a line: a missing or non-finite slice is drawn at the band's top.
  const student = curve.student.map((value, i) => (value !== null && Number.isFinite(value) ? value : curve.referenceHigh[i]!));
  const all = [...curve.referenceLow, ...curve.referenceHigh, ...student];
  const [low, high] = [Math.min(...all), Math.max(...all)];
  const line = (values: readonly number[]) => `  line [${values.map(round).join(', ')}]`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${lessonId}: loss over training"`,
    `  x-axis "training done (%)" [${percents.join(', ')}]`,
    `  y-axis "loss" ${round(Math.max(0, low * 0.95))} --> ${round(high * 1.05)}`,
    line(curve.referenceLow),
    line(curve.referenceMedian),
    line(curve.referenceHigh),
    line(student),
    '```',
  ].join('\n');
}

function lessonMarkdown(lesson: LessonResult): string {
  const lines = [
    `### ${lesson.id}: ${cell(lesson.title)} (${lesson.points} / ${lesson.maxPoints} points)`,
    '',
    '| | check | points | what it measured |',
    '| --- | --- | ---: | --- |',
    ...lesson.checks.map(checkRow),
  ];
  if (lesson.curve) {
    const missing = lesson.curve.student.filter((value) => value === null || !Number.isFinite(value)).length;
    lines.push(
      '',
      '<details open><summary>Loss over training: your curve (last line) against the reference band (low, median, high)</summary>',
      '',
      mermaidCurve(lesson.id, lesson.curve),
      '',
      missing ? `${missing} slices of your curve had no finite loss and are drawn at the band's top.\n` : '',
      '</details>',
    );
  }
  return lines.join('\n');
}

/** `--format markdown`: the job summary. */
export function markdownReport(results: Results): string {
  const failing = results.lessons.flatMap((lesson) => lesson.checks).filter((check) => check.status !== 'pass').length;
  return [
    `## Grading ${cell(results.target)}: ${results.points} / ${results.maxPoints} points`,
    '',
    failing
      ? `${failing} check${failing === 1 ? '' : 's'} not passing yet. Reproduce on your machine with \`npm run grade\`.`
      : 'Every check passes.',
    '',
    `Backend ${cell(results.backend)}, seed ${results.seed}. The loss curves are also in the results artifact as SVG and HTML.`,
    ...(provenanceLine(results) ? ['', cell(provenanceLine(results))] : []),
    '',
    ...results.lessons
      .filter((lesson) => lesson.referenceBackend && results.backend !== 'unknown' && lesson.referenceBackend !== results.backend)
      .map((lesson) => `> **Note:** ${lesson.id} was graded on ${cell(results.backend)}; its reference was calibrated on ${cell(lesson.referenceBackend!)}, for which the pass marks are measured.\n`),
    ...results.lessons.map(lessonMarkdown),
  ].join('\n');
}
