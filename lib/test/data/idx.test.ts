import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { decodeIdx, encodeIdx, readIdxFile, readIdxImageSet } from '../../data/idx.ts';
import { makeTempDir } from './temp-dir.ts';

const CLASSES = ['a', 'b', 'c'];
// 3 images of 2x4: pixel value = 10 * image + position, so misplaced bytes show.
const IMAGES = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => 10 * Math.floor(i / 8) + (i % 8));
const LABELS = Uint8Array.from([2, 0, 1]);

describe('IDX files', () => {
  let dir: string;
  let remove: () => void;
  beforeEach(() => ({ dir, remove } = makeTempDir('idx')));
  afterEach(() => remove());

  function write(name: string, bytes: Uint8Array): string {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  it('writes the big-endian header of the format', () => {
    const bytes = encodeIdx([3, 2, 4], IMAGES);
    expect([...bytes.subarray(0, 16)]).to.deep.equal([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 4]);
    expect(bytes.length).to.equal(16 + IMAGES.length);
  });

  it('reads images and labels, plain and gzipped alike', () => {
    for (const zip of [false, true]) {
      const pack = (bytes: Uint8Array) => (zip ? gzipSync(bytes) : bytes);
      const set = readIdxImageSet(
        write(`images${zip}`, pack(encodeIdx([3, 2, 4], IMAGES))),
        write(`labels${zip}`, pack(encodeIdx([3], LABELS))),
        CLASSES,
      );
      expect(set.count).to.equal(3);
      expect([set.channels, set.height, set.width]).to.deep.equal([1, 2, 4]);
      expect([...set.images]).to.deep.equal([...IMAGES]);
      expect([...set.labels]).to.deep.equal([2, 0, 1]);
      expect(set.classNames).to.deep.equal(CLASSES);
    }
  });

  it('decodes big-endian dimensions above 255', () => {
    const data = new Uint8Array(300 * 2);
    expect(decodeIdx(encodeIdx([300, 2], data), 'mem').dims).to.deep.equal([300, 2]);
  });

  it('rejects a wrong magic number, naming the file', () => {
    const labels = write('labels', encodeIdx([3], LABELS));
    expect(() => readIdxFile(labels, 0x803)).to.throw(/labels: wrong IDX magic number 0x00000801, expected 0x00000803/);
    const junk = write('junk.idx', Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0]));
    expect(() => readIdxFile(junk)).to.throw(/junk\.idx: wrong IDX magic number 0x12345678/);
    expect(() => readIdxImageSet(labels, labels, CLASSES)).to.throw(/wrong IDX magic number/);
  });

  it('rejects a truncated file, with declared and actual sizes', () => {
    const full = encodeIdx([3, 2, 4], IMAGES);
    const path = write('short-images', full.subarray(0, full.length - 5));
    expect(() => readIdxFile(path)).to.throw(/short-images: truncated IDX file: .*declare 24 data bytes, file has 19/);
    const header = write('short-header', full.subarray(0, 10));
    expect(() => readIdxFile(header)).to.throw(/short-header: truncated IDX file/);
  });

  it('rejects a truncated gzipped file', () => {
    const gz = gzipSync(encodeIdx([3, 2, 4], IMAGES));
    const path = write('images.gz', gz.subarray(0, gz.length - 12));
    expect(() => readIdxFile(path)).to.throw(/images\.gz: corrupt or truncated gzip data/);
  });

  it('rejects corrupt gzip data, naming the file', () => {
    const gz = Uint8Array.from(gzipSync(encodeIdx([3, 2, 4], IMAGES)));
    for (let i = 12; i < gz.length - 8; i++) gz[i] ^= 0x5a;
    const path = write('corrupt.gz', gz);
    expect(() => readIdxFile(path)).to.throw(/corrupt\.gz: corrupt or truncated gzip data/);
  });

  it('rejects trailing bytes', () => {
    const path = write('long', Uint8Array.from([...encodeIdx([3], LABELS), 7]));
    expect(() => readIdxFile(path)).to.throw(/long: IDX file has 1 bytes beyond/);
  });

  it('rejects labels that do not match the images', () => {
    const images = write('images', encodeIdx([3, 2, 4], IMAGES));
    const two = write('two-labels', encodeIdx([2], LABELS.subarray(0, 2)));
    expect(() => readIdxImageSet(images, two, CLASSES)).to.throw(/two-labels: 2 labels, but .*images has 3 images/);
    const bad = write('bad-labels', encodeIdx([3], Uint8Array.from([0, 3, 1])));
    expect(() => readIdxImageSet(images, bad, CLASSES)).to.throw(/bad-labels: label 3 at index 1/);
  });

  it('names a missing file', () => {
    expect(() => readIdxFile(join(dir, 'absent'))).to.throw(/absent: cannot read IDX file/);
  });
});
