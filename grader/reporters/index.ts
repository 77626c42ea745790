// One results document, several reporters, chosen by name on the command line.
import type { Results } from '../results.ts';
import { classroom50Identity, classroom50Result } from './classroom50.ts';
import { gradescopeReport } from './gradescope.ts';
import { htmlReport, svgReport } from './html.ts';
import { markdownReport } from './markdown.ts';
import type { ReporterName } from './names.ts';
import { terminalReport } from './terminal.ts';

export type { ReporterName } from './names.ts';

export const reporters = {
  terminal: terminalReport,
  json: (results: Results) => JSON.stringify(results, null, 2),
  // result.json; the CLI writes release-body.md beside it (see cli/output.ts).
  classroom50: (results: Results) => {
    const submitted = results.source.committedAt ?? results.gradedAt;
    const identity = classroom50Identity(process.env, submitted ? new Date(submitted) : new Date());
    return JSON.stringify(classroom50Result(results, identity), null, 2);
  },
  gradescope: gradescopeReport,
  markdown: markdownReport,
  html: htmlReport,
  svg: svgReport,
} satisfies Record<ReporterName, (results: Results) => string>;
