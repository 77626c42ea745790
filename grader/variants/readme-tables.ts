// The README tables that describe code: each lesson's checks and points, and
// the root README's planted bugs. They are generated from the lesson
// definitions and the catalog, between markers, so they cannot drift from what
// the grader does; `npm run variants` writes them and its drift test covers them.
import type { Bug } from '../catalog.ts';
import type { LessonDefinition } from '../lesson.ts';

/** Escapes what would end a markdown table cell. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function checksTable(lesson: LessonDefinition): string {
  const total = lesson.checks.reduce((sum, check) => sum + check.points, 0);
  const rows = lesson.checks.map(
    (check) => `| \`${check.id}\` | ${check.prescribed ? '**prescribed:** ' : ''}${cell(check.title)} | ${check.points} |`,
  );
  return [
    '| check | what it checks | points |',
    '| --- | --- | --- |',
    ...rows,
    `| | **total** (${lesson.checks.length} checks) | **${total}** |`,
    '',
    'A **prescribed** check compares your program with what this README asks for',
    '(an optimizer, a batch size, a network); its message names the instruction.',
    'Everything else the README leaves free costs no point.',
  ].join('\n');
}

export function bugsTable(bugs: readonly Bug[]): string {
  const rows = bugs.map(
    (bug) => `| \`${bug.id}\` | ${bug.lesson} | ${cell(bug.title)} | ${bug.category} | ${bug.catches.map((id) => `\`${id}\``).join(', ')} |`,
  );
  return ['| bug | lesson | the mistake | fault category | checks that must fail |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const begin = (name: string) => `<!-- generated: ${name} (npm run variants writes this; do not edit) -->`;
const end = (name: string) => `<!-- end generated: ${name} -->`;

/** `text` with the part between the markers named `name` replaced by `content`. */
export function withGenerated(text: string, name: string, content: string, where: string): string {
  const from = text.indexOf(begin(name));
  const to = text.indexOf(end(name));
  if (from === -1 || to < from) {
    throw new Error(`${where} needs the lines\n${begin(name)}\n${end(name)}\nwhere the generated ${name} table goes`);
  }
  return `${text.slice(0, from)}${begin(name)}\n${content}\n${text.slice(to)}`;
}
