import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RemoteFile } from '../../data/cache.ts';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  decodeCifar10Batch,
  loadCifar10,
  readCifar10Dir,
} from '../../data/cifar10.ts';
import { readTar } from '../../data/tar.ts';
import { fakeServer } from './fake-fetcher.ts';
import { makeTempDir } from './temp-dir.ts';

const PLANE = 32 * 32;

/** The pixel the fake data holds for one image's channel and position. */
function pixel(id: number, channel: number, position: number): number {
  return (id * 31 + channel * 101 + position) % 256;
}

/** A batch file of records with the given ids; label = id % 10. */
function batch(ids: number[]): Uint8Array {
  const bytes = new Uint8Array(ids.length * (1 + 3 * PLANE));
  ids.forEach((id, r) => {
    const record = r * (1 + 3 * PLANE);
    bytes[record] = id % 10;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < PLANE; p++) bytes[record + 1 + c * PLANE + p] = pixel(id, c, p);
    }
  });
  return bytes;
}

/** Writes batch files: training batch k holds ids 2k, 2k+1; the test batch ids 100..102. */
function writeBatches(dir: string): void {
  mkdirSync(dir, { recursive: true });
  CIFAR10_TRAIN_FILES.forEach((name, k) => writeFileSync(join(dir, name), batch([2 * k, 2 * k + 1])));
  writeFileSync(join(dir, CIFAR10_TEST_FILE), batch([100, 101, 102]));
}

describe('CIFAR-10', () => {
  let dir: string;
  let remove: () => void;
  beforeEach(() => ({ dir, remove } = makeTempDir('cifar')));
  afterEach(() => remove());

  it('reads the batch files into channel-first ImageSets', async () => {
    writeBatches(dir);
    const { train, test } = await loadCifar10({ path: dir });
    expect(train.count).to.equal(10);
    expect(test.count).to.equal(3);
    expect([train.channels, train.height, train.width]).to.deep.equal([3, 32, 32]);
    expect(train.images.length).to.equal(10 * 3 * PLANE);
    expect([...train.labels]).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...test.labels]).to.deep.equal([0, 1, 2]);
    expect(train.classNames).to.deep.equal(CIFAR10_CLASS_NAMES);
    for (const [set, ids] of [[train, [0, 5, 9]], [test, [100, 102]]] as const) {
      for (const id of ids) {
        const i = set === train ? id : id - 100;
        for (const [c, p] of [[0, 0], [1, 33], [2, 1023]] as const) {
          expect(set.images[(i * 3 + c) * PLANE + p]).to.equal(pixel(id, c, p));
        }
      }
    }
  });

  it('finds the files in a cifar-10-batches-bin folder and via CIFAR10_DIR', async () => {
    writeBatches(join(dir, 'cifar-10-batches-bin'));
    expect(readCifar10Dir(dir).train.count).to.equal(10);
    const saved = process.env['CIFAR10_DIR'];
    try {
      process.env['CIFAR10_DIR'] = dir;
      expect((await loadCifar10()).test.count).to.equal(3);
    } finally {
      if (saved === undefined) delete process.env['CIFAR10_DIR'];
      else process.env['CIFAR10_DIR'] = saved;
    }
  });

  it('rejects a truncated batch file and bad labels, naming the file', () => {
    writeBatches(dir);
    const path = join(dir, 'data_batch_3.bin');
    writeFileSync(path, readFileSync(path).subarray(0, 5000));
    expect(() => readCifar10Dir(dir)).to.throw(/data_batch_3\.bin: truncated or not a CIFAR-10 batch: 5000 bytes/);
    const bad = batch([1]);
    bad[0] = 10;
    expect(() => decodeCifar10Batch(bad, 'bad.bin')).to.throw(/bad\.bin: record 0 has label 10/);
  });

  describe('download', () => {
    const URL = 'https://data.example/cifar-10-binary.tar.gz';
    let archive: Uint8Array;
    let spec: RemoteFile;
    const quiet = () => {};

    beforeEach(() => {
      // The system tar makes the archive, so the reader is tested against an
      // independent writer, not against itself.
      const source = join(dir, 'source');
      writeBatches(join(source, 'cifar-10-batches-bin'));
      writeFileSync(join(source, 'cifar-10-batches-bin', 'batches.meta.txt'), CIFAR10_CLASS_NAMES.join('\n'));
      const archivePath = join(dir, 'archive.tar.gz');
      execFileSync('tar', ['-czf', archivePath, '-C', source, 'cifar-10-batches-bin']);
      archive = readFileSync(archivePath);
      spec = {
        url: URL,
        fileName: 'cifar-10-binary.tar.gz',
        sha256: createHash('sha256').update(archive).digest('hex'),
        bytes: archive.length,
      };
    });

    it('downloads, verifies and unpacks the archive once', async () => {
      const cacheDir = join(dir, 'cache');
      const server = fakeServer({ [URL]: { kind: 'serve', bytes: archive } });
      const options = { cacheDir, fetcher: server.fetcher, archive: spec, log: quiet };
      const { train, test } = await loadCifar10(options);
      expect([train.count, test.count]).to.deep.equal([10, 3]);
      expect(train.images[(9 * 3 + 2) * PLANE + 7]).to.equal(pixel(9, 2, 7));
      expect(readdirSync(join(cacheDir, 'cifar10')).sort()).to.deep.equal(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
      await loadCifar10(options);
      expect(server.requests).to.have.length(1);
    });

    it('caches nothing from a bad download', async () => {
      const cacheDir = join(dir, 'cache');
      const server = fakeServer({ [URL]: { kind: 'break', bytes: archive, after: 1000 } });
      let error: Error | undefined;
      await loadCifar10({ cacheDir, fetcher: server.fetcher, archive: spec, log: quiet }).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/cifar-10-binary\.tar\.gz failed: interrupted after 1000 bytes/);
      expect(readdirSync(join(cacheDir, 'cifar10'))).to.deep.equal([]);
      expect(existsSync(join(cacheDir, 'cifar10', 'cifar-10-batches-bin'))).to.equal(false);
    });

    it('reads a tar archive and detects a corrupt header', () => {
      const tarPath = join(dir, 'plain.tar');
      execFileSync('tar', ['-cf', tarPath, '-C', join(dir, 'source'), 'cifar-10-batches-bin']);
      const tar = Uint8Array.from(readFileSync(tarPath));
      const entries = readTar(tar, 'plain.tar');
      expect(entries.map((e) => e.name).sort()).to.deep.equal(
        [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE, 'batches.meta.txt'].map((n) => `cifar-10-batches-bin/${n}`).sort(),
      );
      const testEntry = entries.find((e) => e.name.endsWith(CIFAR10_TEST_FILE))!;
      expect(Buffer.from(testEntry.data).equals(batch([100, 101, 102]))).to.equal(true);
      const firstHeaderCorrupt = Uint8Array.from(readFileSync(tarPath));
      firstHeaderCorrupt[20] ^= 0xff;
      expect(() => readTar(firstHeaderCorrupt, 'plain.tar')).to.throw(/plain\.tar: corrupt tar header at byte 0/);
      expect(() => readTar(tar.subarray(0, 5000), 'cut.tar')).to.throw(/cut\.tar: truncated tar archive/);
    });
  });
});
