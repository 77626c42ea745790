// One results document, several reporters, chosen by name on the command line.
import type { Results } from '../results.ts';
import { classroomReport } from './classroom.ts';
import { gradescopeReport } from './gradescope.ts';
import { htmlReport, svgReport } from './html.ts';
import { markdownReport } from './markdown.ts';
import { terminalReport } from './terminal.ts';

export const reporters = {
  terminal: terminalReport,
  json: (results: Results) => JSON.stringify(results, null, 2),
  classroom: classroomReport,
  gradescope: gradescopeReport,
  markdown: markdownReport,
  html: htmlReport,
  svg: svgReport,
} satisfies Record<string, (results: Results) => string>;

export type ReporterName = keyof typeof reporters;
