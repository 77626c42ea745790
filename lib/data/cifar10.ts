// CIFAR-10 (Krizhevsky, 2009): 32x32 colour images of 10 classes, 50,000 for
// training in five batch files and 10,000 for testing. The binary version's
// records are 1 label byte then 3072 pixel bytes: the red, green and blue
// 32x32 planes, i.e. already channel-first like ImageSet.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cachedDownload, defaultCacheDir, type CacheOptions, type RemoteFile } from './cache.ts';
import { gunzipIfNeeded } from './gzip.ts';
import type { ImageSet } from './image-set.ts';
import { concatImageSets } from './image-set-ops.ts';
import { readTar } from './tar.ts';

export const CIFAR10_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

const CHANNELS = 3;
const SIDE = 32;
const RECORD_BYTES = 1 + CHANNELS * SIDE * SIDE;

export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
/** The folder the official archive unpacks into. */
export const CIFAR10_ARCHIVE_FOLDER = 'cifar-10-batches-bin';

/**
 * The official binary archive, from the CIFAR page (www.cs.toronto.edu/~kriz/
 * cifar.html), which publishes its MD5 c32a1d4ab5d03f1284b67883e8d87530. The
 * SHA-256 and size are those TensorFlow Datasets records for the same URL; they
 * could not be recomputed here (no copy of the archive was at hand).
 */
export const CIFAR10_ARCHIVE: RemoteFile = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  fileName: 'cifar-10-binary.tar.gz',
  sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
  bytes: 170052171,
};

/** Parses one batch file's bytes. `source` names the file in errors. */
export function decodeCifar10Batch(bytes: Uint8Array, source: string): ImageSet {
  if (bytes.length === 0 || bytes.length % RECORD_BYTES !== 0) {
    throw new Error(
      `${source}: truncated or not a CIFAR-10 batch: ${bytes.length} bytes is not a whole number of ${RECORD_BYTES}-byte records`,
    );
  }
  const count = bytes.length / RECORD_BYTES;
  const pixels = RECORD_BYTES - 1;
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const record = i * RECORD_BYTES;
    const label = bytes[record]!;
    if (label >= CIFAR10_CLASS_NAMES.length) {
      throw new Error(`${source}: record ${i} has label ${label}, not one of 10 classes: not a CIFAR-10 batch?`);
    }
    labels[i] = label;
    images.set(bytes.subarray(record + 1, record + RECORD_BYTES), i * pixels);
  }
  return { images, labels, count, channels: CHANNELS, height: SIDE, width: SIDE, classNames: CIFAR10_CLASS_NAMES };
}

export function readCifar10Batch(path: string): ImageSet {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read CIFAR-10 batch (${(error as Error).message})`);
  }
  return decodeCifar10Batch(bytes, path);
}

function hasAllBatches(dir: string): boolean {
  return [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].every((name) => existsSync(join(dir, name)));
}

/** Reads the six batch files from `dir` or from its cifar-10-batches-bin folder. */
export function readCifar10Dir(dir: string): { train: ImageSet; test: ImageSet } {
  const nested = join(dir, CIFAR10_ARCHIVE_FOLDER);
  const root = !hasAllBatches(dir) && hasAllBatches(nested) ? nested : dir;
  return {
    train: concatImageSets(CIFAR10_TRAIN_FILES.map((name) => readCifar10Batch(join(root, name)))),
    test: readCifar10Batch(join(root, CIFAR10_TEST_FILE)),
  };
}

/**
 * Unpacks the batch files of a (gzipped) CIFAR-10 archive into `targetDir`,
 * all or nothing: they are written to a temporary sibling folder that is
 * renamed into place only when complete.
 */
export function extractCifar10Archive(archivePath: string, targetDir: string): void {
  const entries = readTar(gunzipIfNeeded(readFileSync(archivePath), archivePath), archivePath);
  const byName = new Map(entries.map((entry) => [basename(entry.name), entry.data]));
  const temporary = join(dirname(targetDir), `.${basename(targetDir)}.${randomUUID()}.partial`);
  try {
    mkdirSync(temporary, { recursive: true });
    for (const name of [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]) {
      const data = byName.get(name);
      if (data === undefined) throw new Error(`${archivePath}: archive has no ${name}`);
      writeFileSync(join(temporary, name), data);
    }
    renameSync(temporary, targetDir);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

export interface Cifar10Options extends CacheOptions {
  /** A folder holding the batch files; wins over everything else. */
  path?: string;
  /** Defaults to CIFAR10_ARCHIVE. */
  archive?: RemoteFile;
}

/**
 * CIFAR-10 from `options.path`, else env CIFAR10_DIR, else the cache: the
 * official archive is downloaded once (SHA-256 verified) into <cache>/cifar10
 * and its batch files unpacked beside it.
 */
export async function loadCifar10(options: Cifar10Options = {}): Promise<{ train: ImageSet; test: ImageSet }> {
  const explicit = options.path ?? process.env['CIFAR10_DIR'];
  if (explicit) return readCifar10Dir(explicit);

  const cacheDir = join(options.cacheDir ?? defaultCacheDir(), 'cifar10');
  const extracted = join(cacheDir, CIFAR10_ARCHIVE_FOLDER);
  if (!hasAllBatches(extracted)) {
    const archivePath = await cachedDownload(options.archive ?? CIFAR10_ARCHIVE, { ...options, cacheDir });
    rmSync(extracted, { recursive: true, force: true }); // an incomplete folder left by hand
    extractCifar10Archive(archivePath, extracted);
  }
  return readCifar10Dir(extracted);
}
