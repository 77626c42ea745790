// The IDX format of (Fashion-)MNIST: a 4-byte magic number (two zero bytes,
// a type code, the number of dimensions), then each dimension as a big-endian
// uint32, then the values row-major. Only unsigned bytes (type 0x08) occur in
// these data sets, so only they are supported.
import { readFileSync } from 'node:fs';
import { gunzipIfNeeded } from './gzip.ts';
import type { ImageSet } from './image-set.ts';

const UNSIGNED_BYTE = 0x08;
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** Parses IDX bytes (already gunzipped). `source` names the file in errors. */
export function decodeIdx(bytes: Uint8Array, source: string, expectedMagic?: number): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${source}: truncated IDX file: ${bytes.length} bytes, too short for a magic number`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = bytes[2]!;
  const rank = bytes[3]!;
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new Error(`${source}: wrong IDX magic number ${hex(magic)}, expected ${hex(expectedMagic)}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0 || typeCode !== UNSIGNED_BYTE || rank === 0) {
    throw new Error(
      `${source}: wrong IDX magic number ${hex(magic)} (expected 0x000008NN: unsigned bytes, NN dimensions)`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(`${source}: truncated IDX file: ${bytes.length} bytes, header alone needs ${headerBytes}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const declared = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual < declared) {
    throw new Error(
      `${source}: truncated IDX file: dimensions [${dims.join(', ')}] declare ${declared} data bytes, file has ${actual}`,
    );
  }
  if (actual > declared) {
    throw new Error(
      `${source}: IDX file has ${actual - declared} bytes beyond the ${declared} its dimensions [${dims.join(', ')}] declare`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Serialises unsigned bytes as IDX (not gzipped). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const declared = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 0 || dims.length > 255 || declared !== data.length) {
    throw new Error(`encodeIdx: dimensions [${dims.join(', ')}] do not fit ${data.length} bytes`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerBytes);
  return out;
}

/** Reads an IDX file, gzipped or not. */
export function readIdxFile(path: string, expectedMagic?: number): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read IDX file (${(error as Error).message})`);
  }
  return decodeIdx(gunzipIfNeeded(raw, path), path, expectedMagic);
}

/** Joins an IDX image file (count x height x width) and its label file into an ImageSet. */
export function readIdxImageSet(
  imagesPath: string,
  labelsPath: string,
  classNames: readonly string[],
): ImageSet {
  const images = readIdxFile(imagesPath, IDX_IMAGES_MAGIC);
  const labels = readIdxFile(labelsPath, IDX_LABELS_MAGIC);
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new Error(`${labelsPath}: ${labels.dims[0]} labels, but ${imagesPath} has ${count} images`);
  }
  const bad = labels.data.findIndex((label) => label >= classNames.length);
  if (bad >= 0) {
    throw new Error(`${labelsPath}: label ${labels.data[bad]} at index ${bad} is not one of ${classNames.length} classes`);
  }
  return { images: images.data, labels: labels.data, count, channels: 1, height, width, classNames };
}
