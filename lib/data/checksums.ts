// The course's committed data and models sit beside a checksums.json that
// records each file's SHA-256. Loaders check every file first, so a damaged
// checkout (a truncated clone, a file edited by hand) fails with the file's
// name and how to restore it, rather than with odd data.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKSUMS_FILE = 'checksums.json';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Records the SHA-256 of each of `files` (in this order) in dir/checksums.json. */
export function writeChecksums(dir: string, files: readonly string[]): void {
  const checksums = Object.fromEntries(files.map((file) => [file, sha256(readFileSync(join(dir, file)))]));
  writeFileSync(join(dir, CHECKSUMS_FILE), `${JSON.stringify(checksums, null, 2)}\n`);
}

/**
 * The bytes of each of `files` in `dir`, after checking them against
 * dir/checksums.json. `what` names the files in messages ("Fashion-MNIST
 * subset file"); `remedy` says how to get a good copy back.
 */
export function readCheckedFiles(dir: string, files: readonly string[], what: string, remedy: string): Map<string, Buffer> {
  const checksumsPath = join(dir, CHECKSUMS_FILE);
  if (!existsSync(checksumsPath)) throw new Error(`${what}: ${checksumsPath} is missing. ${remedy}`);
  const expected = JSON.parse(readFileSync(checksumsPath, 'utf8')) as Record<string, unknown>;
  const contents = new Map<string, Buffer>();
  for (const file of files) {
    const want = expected[file];
    if (typeof want !== 'string') throw new Error(`${checksumsPath}: no SHA-256 for ${file}`);
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`${what} ${path} is missing. ${remedy}`);
    const bytes = readFileSync(path);
    const actual = sha256(bytes);
    if (actual !== want) {
      throw new Error(`${what} ${path} is corrupt or truncated (${bytes.length} bytes): SHA-256 expected ${want}, actual ${actual}. ${remedy}`);
    }
    contents.set(file, bytes);
  }
  return contents;
}
