// A temporary folder for one describe block's tests: made before they run,
// removed after, wherever a test left off.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Calls `use` with the new folder's path before the block's tests; removes the folder after them. */
export function useTemporaryFolder(prefix: string, use: (folder: string) => void): void {
  let folder: string | undefined;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), prefix));
    use(folder);
  });
  after(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
}

/** Writes a file, making its folders first. */
export function writeWithFolders(file: string, text: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
