// Fashion-MNIST (Zalando Research, MIT licence): 28x28 grey images of 10 kinds
// of clothing, 60,000 for training and 10,000 for testing, as IDX files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDownload, defaultCacheDir, type CacheOptions } from './cache.ts';
import { readCheckedFiles } from './checksums.ts';
import type { ImageSet } from './image-set.ts';
import { readIdxImageSet } from './idx.ts';

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

type FileName = (typeof FASHION_MNIST_FILES)[keyof typeof FASHION_MNIST_FILES];

export interface RemoteFashionMnist {
  baseUrl: string;
  files: Record<FileName, { sha256: string; bytes: number }>;
}

/**
 * The official files. The Fashion-MNIST README (github.com/zalandoresearch/
 * fashion-mnist) links them from its S3 website mirror and keeps the same files
 * in the repository's data/fashion folder, fetched here over HTTPS; its table
 * gives their MD5s (8d4fb7e6..., 25c81989..., bef4ecab..., bb300cfd...).
 *
 * The SHA-256s and sizes were computed from the Debian package
 * dataset-fashion-mnist, whose files are the upstream ones with the gzip header
 * normalised (file name dropped, mtime reset; the deflate streams are
 * untouched). Putting the upstream header back (name, mtime 2017-08-31T10:50:06Z
 * for the train files, 10:50:27Z for the t10k files) reproduces files whose MD5s
 * match the README's and whose SHA-256s and sizes match those recorded for the
 * same URLs by TensorFlow Datasets.
 */
export const FASHION_MNIST_REMOTE: RemoteFashionMnist = {
  baseUrl: 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  files: {
    'train-images-idx3-ubyte.gz': {
      sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      bytes: 26421880,
    },
    'train-labels-idx1-ubyte.gz': {
      sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      bytes: 29515,
    },
    't10k-images-idx3-ubyte.gz': {
      sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      bytes: 4422102,
    },
    't10k-labels-idx1-ubyte.gz': {
      sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      bytes: 5148,
    },
  },
};

/** Where the Debian package dataset-fashion-mnist installs the four files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** The committed class-balanced subset (see its README.md). */
export const FASHION_MNIST_SUBSET_DIR = fileURLToPath(new URL('./fashion-mnist-subset/', import.meta.url));

export interface TrainTest {
  train: ImageSet;
  test: ImageSet;
}

/**
 * Reads the four files from `dir`. Each may also be there unzipped (without
 * the .gz), as after `gunzip *.gz`.
 */
export function readFashionMnistDir(dir: string): TrainTest {
  const find = (name: FileName): string => {
    for (const candidate of [join(dir, name), join(dir, name.replace(/\.gz$/, ''))]) {
      if (existsSync(candidate)) return candidate;
    }
    throw new Error(`Fashion-MNIST: ${join(dir, name)} not found (nor unzipped)`);
  };
  const f = FASHION_MNIST_FILES;
  return {
    train: readIdxImageSet(find(f.trainImages), find(f.trainLabels), FASHION_MNIST_CLASS_NAMES),
    test: readIdxImageSet(find(f.testImages), find(f.testLabels), FASHION_MNIST_CLASS_NAMES),
  };
}

/**
 * The committed subset: 800 training and 200 test images per class, each
 * split sorted by class. Every file is checked against checksums.json first,
 * so a damaged checkout fails with the file's name rather than odd data.
 */
export function loadFashionMnistSubset(dir: string = FASHION_MNIST_SUBSET_DIR): TrainTest {
  readCheckedFiles(dir, Object.values(FASHION_MNIST_FILES), 'Fashion-MNIST subset file', 'Restore it from git or rerun make-fashion-mnist-subset.ts.');
  return readFashionMnistDir(dir);
}

export interface FashionMnistOptions extends CacheOptions {
  /** A folder holding the four files; wins over everything else. */
  path?: string;
  /** Defaults to FASHION_MNIST_DEBIAN_DIR; used when it holds all four files. */
  systemDir?: string;
  /** Defaults to FASHION_MNIST_REMOTE. */
  remote?: RemoteFashionMnist;
}

/**
 * The full data set, from the first of: `options.path`, env FASHION_MNIST_DIR,
 * the Debian package's folder, or the download cache (downloading the official
 * files once, SHA-256 verified, into <cache>/fashion-mnist).
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<TrainTest> {
  const explicit = options.path ?? process.env['FASHION_MNIST_DIR'];
  if (explicit) return readFashionMnistDir(explicit);

  const systemDir = options.systemDir ?? FASHION_MNIST_DEBIAN_DIR;
  if (Object.values(FASHION_MNIST_FILES).every((name) => existsSync(join(systemDir, name)))) {
    return readFashionMnistDir(systemDir);
  }

  const remote = options.remote ?? FASHION_MNIST_REMOTE;
  const cacheDir = join(options.cacheDir ?? defaultCacheDir(), 'fashion-mnist');
  for (const name of Object.values(FASHION_MNIST_FILES)) {
    const { sha256: hash, bytes } = remote.files[name];
    await cachedDownload({ url: remote.baseUrl + name, fileName: name, sha256: hash, bytes }, { ...options, cacheDir });
  }
  return readFashionMnistDir(cacheDir);
}
