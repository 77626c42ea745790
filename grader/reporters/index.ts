// One results document, several reporters, chosen by name on the command line.
import type { Results } from '../results.ts';
import { terminalReport } from './terminal.ts';

export const reporters = {
  terminal: terminalReport,
  json: (results: Results) => JSON.stringify(results, null, 2),
} satisfies Record<string, (results: Results) => string>;

export type ReporterName = keyof typeof reporters;
