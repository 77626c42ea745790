// Where a report goes: standard output, or the --out file. Classroom 50 reads
// two files, so `--format classroom50` writes result.json (the --out path, by
// default in the current folder, where the runner looks) and release-body.md
// beside it. Files never get terminal colour codes.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { classroom50Identity, classroom50ReleaseBody } from '../reporters/classroom50.ts';
import { reporters, type ReporterName } from '../reporters/index.ts';
import type { Results } from '../results.ts';
import { UsageError } from '../target.ts';

/** The file a report will be written to, or undefined for standard output. */
export function reportFile(format: ReporterName, out: string | undefined): string | undefined {
  return out ?? (format === 'classroom50' ? 'result.json' : undefined);
}

/** Fails before grading, not after, when an output file cannot be written. */
export function checkWritable(...files: (string | undefined)[]): void {
  for (const file of files) {
    if (!file) continue;
    const folder = dirname(resolve(file));
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`cannot write "${file}": the folder ${folder} does not exist`);
  }
}

/** Fails before grading when the format needs something it lacks (Classroom 50's variables). */
export function checkFormat(format: ReporterName): void {
  if (format === 'classroom50') classroom50Identity(process.env, new Date());
}

export function writeReport(results: Results, format: ReporterName, out: string | undefined): void {
  const text = reporters[format](results);
  const file = reportFile(format, out);
  if (!file) {
    console.log(text);
    return;
  }
  writeFileSync(file, stripVTControlCharacters(text) + '\n');
  if (format === 'classroom50') writeFileSync(join(dirname(resolve(file)), 'release-body.md'), classroom50ReleaseBody(results));
}
