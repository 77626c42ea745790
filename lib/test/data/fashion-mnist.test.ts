import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import {
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_DEBIAN_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_REMOTE,
  FASHION_MNIST_SUBSET_DIR,
  loadFashionMnist,
  loadFashionMnistSubset,
  type RemoteFashionMnist,
} from '../../data/fashion-mnist.ts';
import { encodeIdx } from '../../data/idx.ts';
import type { ImageSet } from '../../data/image-set.ts';
import { classCounts, firstPerClassSortedByClass } from '../../data/image-set-ops.ts';
import { fakeServer } from './fake-fetcher.ts';
import { makeTempDir } from './temp-dir.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const quiet = () => {};
const debianInstalled = Object.values(FASHION_MNIST_FILES).every((n) => existsSync(join(FASHION_MNIST_DEBIAN_DIR, n)));

/** Tiny stand-ins for the four files: 28x28 images whose pixels encode their index. */
function tinyFiles(trainCount: number, testCount: number): Record<string, Uint8Array> {
  const split = (count: number, offset: number) => ({
    images: gzipSync(encodeIdx([count, 28, 28], Uint8Array.from({ length: count * 784 }, (_, i) => Math.floor(i / 784) + offset))),
    labels: gzipSync(encodeIdx([count], Uint8Array.from({ length: count }, (_, i) => (i * 3) % 10))),
  });
  const train = split(trainCount, 0);
  const test = split(testCount, 100);
  const f = FASHION_MNIST_FILES;
  return { [f.trainImages]: train.images, [f.trainLabels]: train.labels, [f.testImages]: test.images, [f.testLabels]: test.labels };
}

/** Env variables the loaders read, cleared for a test and restored after. */
function withoutEnv(names: string[]): () => void {
  const saved = names.map((n) => [n, process.env[n]] as const);
  for (const n of names) delete process.env[n];
  return () => {
    for (const [n, v] of saved) if (v === undefined) delete process.env[n]; else process.env[n] = v;
  };
}

function expectSortedByClass(set: ImageSet): void {
  for (let i = 1; i < set.count; i++) {
    if (set.labels[i]! < set.labels[i - 1]!) expect.fail(`label ${set.labels[i]} at ${i} follows ${set.labels[i - 1]}`);
  }
}

describe('Fashion-MNIST', () => {
  let dir: string;
  let remove: () => void;
  let restoreEnv: () => void;
  beforeEach(() => {
    ({ dir, remove } = makeTempDir('fashion'));
    restoreEnv = withoutEnv(['FASHION_MNIST_DIR', 'DL_COURSE_CACHE']);
  });
  afterEach(() => {
    restoreEnv();
    remove();
  });

  describe('the committed subset', () => {
    it('has 800 + 200 images per class of 28x28x1, sorted by class', () => {
      const { train, test } = loadFashionMnistSubset();
      expect(train.count).to.equal(8000);
      expect(test.count).to.equal(2000);
      for (const set of [train, test]) {
        expect([set.channels, set.height, set.width]).to.deep.equal([1, 28, 28]);
        expect(set.images.length).to.equal(set.count * 784);
        expect(set.labels.length).to.equal(set.count);
        expect(set.classNames).to.deep.equal(FASHION_MNIST_CLASS_NAMES);
        expectSortedByClass(set);
      }
      expect(classCounts(train)).to.deep.equal(new Array(10).fill(800));
      expect(classCounts(test)).to.deep.equal(new Array(10).fill(200));
      // Real images, not blanks: Fashion-MNIST's mean pixel is about 73.
      const mean = train.images.reduce((a, b) => a + b, 0) / train.images.length;
      expect(mean).to.be.within(60, 90);
    });

    it('stays under 8 MB', () => {
      const total = readdirSync(FASHION_MNIST_SUBSET_DIR).reduce(
        (n, name) => n + readFileSync(join(FASHION_MNIST_SUBSET_DIR, name)).length,
        0,
      );
      expect(total).to.be.below(8_000_000);
    });

    it('refuses a truncated or altered file, naming it', () => {
      cpSync(FASHION_MNIST_SUBSET_DIR, dir, { recursive: true });
      const images = join(dir, FASHION_MNIST_FILES.trainImages);
      const original = readFileSync(images);
      writeFileSync(images, original.subarray(0, original.length - 100));
      expect(() => loadFashionMnistSubset(dir)).to.throw(
        /Fashion-MNIST subset file .*train-images-idx3-ubyte\.gz is corrupt or truncated .*SHA-256 expected [0-9a-f]{64}, actual/,
      );
      const altered = Uint8Array.from(original);
      altered[5000] ^= 1;
      writeFileSync(images, altered);
      expect(() => loadFashionMnistSubset(dir)).to.throw(/train-images-idx3-ubyte\.gz is corrupt/);
      writeFileSync(images, original);
      expect(loadFashionMnistSubset(dir).train.count).to.equal(8000);
    });

    it('is the first 800 / 200 of each class of the full data set', async function () {
      if (!debianInstalled) this.skip();
      const full = await loadFashionMnist();
      const subset = loadFashionMnistSubset();
      expect(Buffer.from(subset.train.images).equals(firstPerClassSortedByClass(full.train, 800).images)).to.equal(true);
      expect(Buffer.from(subset.test.images).equals(firstPerClassSortedByClass(full.test, 200).images)).to.equal(true);
    });
  });

  describe('the full data set', () => {
    it('reads a folder given as path or in FASHION_MNIST_DIR, gzipped or not', async () => {
      const gz = join(dir, 'gz');
      const plain = join(dir, 'plain');
      mkdirSync(gz);
      mkdirSync(plain);
      for (const [name, bytes] of Object.entries(tinyFiles(5, 3))) {
        writeFileSync(join(gz, name), bytes);
        writeFileSync(join(plain, name.replace(/\.gz$/, '')), gunzipSync(bytes));
      }
      const { train, test } = await loadFashionMnist({ path: gz, systemDir: join(dir, 'none') });
      expect([train.count, test.count]).to.deep.equal([5, 3]);
      expect(train.images[4 * 784 + 10]).to.equal(4);
      expect(test.images[2 * 784]).to.equal(102);
      expect([...train.labels]).to.deep.equal([0, 3, 6, 9, 2]);

      process.env['FASHION_MNIST_DIR'] = plain;
      const fromEnv = await loadFashionMnist({ systemDir: join(dir, 'none') });
      expect(Buffer.from(fromEnv.train.images).equals(train.images)).to.equal(true);
      expect(fromEnv.test.count).to.equal(3);
    });

    it('names a missing file', async () => {
      let error: Error | undefined;
      await loadFashionMnist({ path: dir }).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/train-images-idx3-ubyte\.gz not found/);
    });

    it('downloads into the cache when nothing else has it, verifying each file', async () => {
      const files = tinyFiles(4, 2);
      const remote: RemoteFashionMnist = {
        baseUrl: 'https://data.example/fashion/',
        files: Object.fromEntries(
          Object.entries(files).map(([name, bytes]) => [name, { sha256: sha256(bytes), bytes: bytes.length }]),
        ) as RemoteFashionMnist['files'],
      };
      const routes = Object.fromEntries(
        Object.entries(files).map(([name, bytes]) => [remote.baseUrl + name, { kind: 'serve' as const, bytes }]),
      );
      const server = fakeServer(routes);
      const options = { systemDir: join(dir, 'none'), cacheDir: dir, fetcher: server.fetcher, remote, log: quiet };
      const { train, test } = await loadFashionMnist(options);
      expect([train.count, test.count]).to.deep.equal([4, 2]);
      expect(readdirSync(join(dir, 'fashion-mnist')).sort()).to.deep.equal(Object.keys(files).sort());

      const bad = fakeServer({ ...routes, [remote.baseUrl + FASHION_MNIST_FILES.testImages]: { kind: 'serve', bytes: files[FASHION_MNIST_FILES.trainImages]! } });
      let error: Error | undefined;
      await loadFashionMnist({ ...options, cacheDir: join(dir, 'other'), fetcher: bad.fetcher }).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/Checksum mismatch for t10k-images-idx3-ubyte\.gz/);
      expect(existsSync(join(dir, 'other', 'fashion-mnist', FASHION_MNIST_FILES.testImages))).to.equal(false);
    });

    it('reads the Debian package: 60,000 + 10,000 images', async function () {
      if (!debianInstalled) this.skip();
      const { train, test } = await loadFashionMnist();
      expect([train.count, test.count]).to.deep.equal([60000, 10000]);
      expect(classCounts(train)).to.deep.equal(new Array(10).fill(6000));
      expect(classCounts(test)).to.deep.equal(new Array(10).fill(1000));
    });

    it('records the checksums of the official files', async function () {
      if (!debianInstalled) this.skip();
      // Debian ships the upstream deflate streams under a normalised gzip
      // header; restoring upstream's header (file name, mtime) rebuilds the
      // official files, which must then pass the recorded SHA-256s.
      const mtimes: Record<string, number> = { train: 1504176606, t10k: 1504176627 };
      const routes = Object.fromEntries(
        Object.values(FASHION_MNIST_FILES).map((name) => {
          const debian = readFileSync(join(FASHION_MNIST_DEBIAN_DIR, name));
          const header = Buffer.alloc(10);
          header.set([0x1f, 0x8b, 8, 8]);
          header.writeUInt32LE(mtimes[name.split('-')[0]!]!, 4);
          header[9] = 3;
          const bytes = Buffer.concat([header, Buffer.from(`${name.replace('.gz', '')}\0`), debian.subarray(10)]);
          return [FASHION_MNIST_REMOTE.baseUrl + name, { kind: 'serve' as const, bytes }];
        }),
      );
      const server = fakeServer(routes);
      const { train } = await loadFashionMnist({ systemDir: join(dir, 'none'), cacheDir: dir, fetcher: server.fetcher, log: quiet });
      expect(train.count).to.equal(60000);
      expect(server.requests).to.have.length(4);
    });
  });
});
