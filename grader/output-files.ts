// Files the grader writes its results to. Their paths are checked before
// grading starts, so a typo costs seconds, not the run; and each is replaced
// atomically (a temporary file renamed over it), so a grader killed while
// writing leaves the previous complete version, never half a file.
import { accessSync, constants, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './target.ts';

/** Throws a UsageError naming the option unless `file` can be written. */
export function checkOutputFile(file: string, option: string): void {
  const path = resolve(file);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${option} ${file}: the folder ${dir} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${option} ${file} is a folder; give a file name`);
  try {
    accessSync(dir, constants.W_OK);
    if (existsSync(path)) accessSync(path, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${file}: not allowed to write there`);
  }
}

export function writeAtomically(file: string, text: string): void {
  const path = resolve(file);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
