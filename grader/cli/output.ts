// Where results go: the --json file, the report (standard output, or the --out
// file), and for Classroom 50 the two files its runner reads: result.json (the
// --out path, by default in the current folder, where the runner looks) and
// release-body.md beside it. Files never get terminal colour codes, and they
// are written after every lesson, so a run killed later keeps what it finished.
import { dirname, join, resolve } from 'node:path';
import { checkOutputFile, writeAtomically } from '../output-files.ts';
import { classroom50Identity, classroom50ReleaseBody } from '../reporters/classroom50.ts';
import { plainJson, plainText } from '../reporters/colour.ts';
import { reporters, type ReporterName } from '../reporters/index.ts';
import type { Results } from '../results.ts';

export interface OutputOptions {
  json?: string;
  format: ReporterName;
  out?: string;
}

/** The file the report will be written to, or undefined for standard output. */
export function reportFile({ format, out }: OutputOptions): string | undefined {
  return out ?? (format === 'classroom50' ? 'result.json' : undefined);
}

/** Fails before grading, not after, when an output file cannot be written. */
export function checkOutputs(options: OutputOptions): void {
  if (options.json) checkOutputFile(options.json, '--json');
  const file = reportFile(options);
  if (file) checkOutputFile(file, options.out ? '--out' : `--format ${options.format}`);
}

/** Writes the output files (not standard output): after every lesson, and once more at the end. */
export function saveResults(results: Results, options: OutputOptions): void {
  if (options.json) writeAtomically(options.json, plainJson(results));
  const file = reportFile(options);
  if (!file) return;
  writeAtomically(file, plainText(reporters[options.format](results)) + '\n');
  if (options.format === 'classroom50') {
    writeAtomically(join(dirname(resolve(file)), 'release-body.md'), plainText(classroom50ReleaseBody(results)));
  }
}

/** The final results: saved to the files, and the report printed when it has no file. */
export function writeResults(results: Results, options: OutputOptions): void {
  saveResults(results, options);
  if (!reportFile(options)) console.log(reporters[options.format](results));
}

/** Fails before grading when the format needs something it lacks (Classroom 50's variables). */
export function checkFormat(format: ReporterName): void {
  if (format === 'classroom50') classroom50Identity(process.env, new Date());
}
