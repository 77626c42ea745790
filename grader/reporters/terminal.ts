// The student's view: a table of checks with points, the messages of the
// checks that failed, and the loss curve against the reference band.
import { stripVTControlCharacters } from 'node:util';
import asciichart from 'asciichart';
import { provenanceLine } from '../provenance.ts';
import type { Curve, LessonResult, Results } from '../results.ts';
import { colourWanted } from './colour.ts';

const MARK = { pass: 'PASS', fail: 'FAIL', error: 'ERR ' } as const;

export function terminalReport(results: Results): string {
  const lines = [`Grading ${results.target} (backend ${results.backend}, seed ${results.seed})`];
  if (provenanceLine(results)) lines.push(provenanceLine(results));
  lines.push('');
  for (const lesson of results.lessons) {
    if (lesson.referenceBackend && results.backend !== 'unknown' && lesson.referenceBackend !== results.backend) {
      lines.push(`NOTE  ${lesson.id} was graded on ${results.backend}, its reference calibrated on ${lesson.referenceBackend}: pass marks are measured for ${lesson.referenceBackend}.`);
    }
    lines.push(...lessonLines(lesson), '');
  }
  lines.push(`Total: ${results.points} / ${results.maxPoints} points`);
  // Without colour, none at all: not even codes inside a student's error message.
  return colourWanted() ? lines.join('\n') : stripVTControlCharacters(lines.join('\n'));
}

function lessonLines(lesson: LessonResult): string[] {
  const width = Math.max(...lesson.checks.map((check) => check.title.length), 10);
  const lines = [`${lesson.id}  ${lesson.title}  ${lesson.points} / ${lesson.maxPoints}`, ...typeErrorLines(lesson)];
  for (const check of lesson.checks) {
    const points = `${check.points}/${check.maxPoints}`.padStart(7);
    lines.push(`  ${MARK[check.status]}  ${check.title.padEnd(width)} ${points}`);
    if (check.status !== 'pass') lines.push(...wrap(check.message, 8));
  }
  if (lesson.curve) lines.push('', ...curveLines(lesson.curve));
  return lines;
}

/** tsc's errors in the student's files: a warning under the grade, which they did not change. */
export function typeErrorLines(lesson: LessonResult): string[] {
  const errors = lesson.typeErrors ?? [];
  if (!errors.length) return [];
  const heading = `  WARN  ${errors.length} type error${errors.length === 1 ? '' : 's'} in your files (tsc; no points taken, but the code may not do what you meant):`;
  return [heading, ...errors.flatMap((error) => wrap(`${error.file}:${error.line}:${error.column} ${error.message}`, 8))];
}

function wrap(text: string, indent: number, width = 100): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width - indent) {
      out.push(pad + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(pad + line);
  return out;
}

/** The student's curve (*) between the reference band's edges, over training progress. */
export function curveLines(curve: Curve): string[] {
  // asciichart draws no gaps, so a missing or non-finite slice is shown at the band's top.
  const student = curve.student.map((value, i) => value ?? curve.referenceHigh[i]!);
  // Colours only on a terminal: in a log file or a CI page they are noise.
  const colour = colourWanted();
  const chart = asciichart.plot([curve.referenceLow, curve.referenceHigh, student], {
    height: 10,
    colors: colour ? [asciichart.blue, asciichart.blue, asciichart.red] : undefined,
    format: (value: number) => value.toFixed(3).padStart(8),
  });
  return [
    colour
      ? '  loss over training (red: yours; blue: reference band)'
      : '  loss over training (the line between the band\'s two edges is yours)',
    ...chart.split('\n').map((line) => `  ${line}`),
  ];
}
