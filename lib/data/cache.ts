// Download-once cache for data sets. A download goes to a temporary file in the
// cache directory itself (so the final rename is atomic: same file system),
// is hashed while it streams, and only a file whose SHA-256 matches is renamed
// into place. Any failure removes the temporary file, so the cache never holds
// a half-written or wrong file under its real name.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The part of the Fetch API's Response that downloading needs. */
export interface DownloadResponse {
  ok: boolean;
  status: number;
  statusText: string;
  body: AsyncIterable<Uint8Array> | null;
}

/** A `fetch`-like function; injectable so tests can simulate the network. */
export type Fetcher = (url: string) => Promise<DownloadResponse>;

export interface RemoteFile {
  url: string;
  /** Name of the file in the cache directory. */
  fileName: string;
  sha256: string;
  /** Expected size, when known: lets a short download say how short it was. */
  bytes?: number;
}

export interface CacheOptions {
  /** Defaults to env DL_COURSE_CACHE, else ~/.cache/dl-course. */
  cacheDir?: string;
  /** Defaults to the global fetch. */
  fetcher?: Fetcher;
  /** Progress messages; a download can take minutes. Defaults to stderr. */
  log?: (line: string) => void;
}

export function defaultCacheDir(): string {
  const fromEnv = process.env['DL_COURSE_CACHE'];
  return fromEnv ? fromEnv : join(homedir(), '.cache', 'dl-course');
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const globalFetcher: Fetcher = (url) => fetch(url) as Promise<DownloadResponse>;

/**
 * The path of `file` in the cache, downloading and verifying it first if it is
 * not there yet. A file already cached is re-verified, so a corrupted cache
 * gives a clear error instead of garbage data.
 */
export async function cachedDownload(file: RemoteFile, options: CacheOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const fetcher = options.fetcher ?? globalFetcher;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const target = join(cacheDir, file.fileName);

  if (existsSync(target)) {
    const actual = await sha256OfFile(target);
    if (actual !== file.sha256) {
      throw new Error(
        `Cached file ${target} is corrupt: SHA-256 expected ${file.sha256}, actual ${actual}. ` +
          `Delete it to download it again.`,
      );
    }
    return target;
  }

  mkdirSync(cacheDir, { recursive: true });
  const temporary = join(cacheDir, `.${file.fileName}.${randomUUID()}.partial`);
  log(`Downloading ${file.url} into ${target} ...`);
  try {
    const { received, sha256 } = await streamToFile(file.url, temporary, fetcher);
    if (sha256 !== file.sha256) {
      const sizeNote =
        file.bytes !== undefined && received !== file.bytes
          ? ` (received ${received} bytes, expected ${file.bytes}: truncated download?)`
          : ` (received ${received} bytes)`;
      throw new Error(
        `Checksum mismatch for ${file.fileName} downloaded from ${file.url}: ` +
          `SHA-256 expected ${file.sha256}, actual ${sha256}${sizeNote}. Nothing was cached.`,
      );
    }
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
  return target;
}

async function streamToFile(
  url: string,
  path: string,
  fetcher: Fetcher,
): Promise<{ received: number; sha256: string }> {
  const fail = (why: string): never => {
    throw new Error(`Download of ${url} failed: ${why}. Nothing was cached.`);
  };
  let response: DownloadResponse;
  try {
    response = await fetcher(url);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (!response.ok) fail(`HTTP ${response.status} ${response.statusText}`);
  if (response.body === null) fail('the response has no body');

  const hash = createHash('sha256');
  let received = 0;
  const handle = await open(path, 'wx');
  try {
    for await (const chunk of response.body!) {
      hash.update(chunk);
      received += chunk.length;
      await handle.write(chunk);
    }
  } catch (error) {
    fail(`interrupted after ${received} bytes (${(error as Error).message})`);
  } finally {
    await handle.close();
  }
  return { received, sha256: hash.digest('hex') };
}
