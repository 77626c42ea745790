// The reporters' names, for the command lines' --format choices: apart from
// the reporters themselves (index.ts), which `ta --help` need not load.
export const REPORTER_NAMES = ['terminal', 'json', 'classroom50', 'gradescope', 'markdown', 'html', 'svg'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];
