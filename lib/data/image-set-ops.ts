// Operations that build one ImageSet from others, shared by the loaders (which
// join files) and the subset maker (which picks images).
import type { ImageSet } from './image-set.ts';

function imageBytes(set: ImageSet): number {
  return set.channels * set.height * set.width;
}

/** The images at `indices`, in that order. */
export function pickImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageBytes(set);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!;
    if (!Number.isInteger(from) || from < 0 || from >= set.count) {
      throw new RangeError(`pickImages: index ${from} outside 0..${set.count - 1}`);
    }
    images.set(set.images.subarray(from * size, (from + 1) * size), i * size);
    labels[i] = set.labels[from]!;
  }
  return { ...set, images, labels, count: indices.length };
}

/** Sets of the same image shape and classes, one after the other. */
export function concatImageSets(sets: readonly ImageSet[]): ImageSet {
  const first = sets[0];
  if (first === undefined) throw new Error('concatImageSets: no sets');
  for (const set of sets) {
    if (set.channels !== first.channels || set.height !== first.height || set.width !== first.width) {
      throw new Error(
        `concatImageSets: shape ${set.channels}x${set.height}x${set.width} differs from ${first.channels}x${first.height}x${first.width}`,
      );
    }
  }
  const count = sets.reduce((n, set) => n + set.count, 0);
  const images = new Uint8Array(count * imageBytes(first));
  const labels = new Uint8Array(count);
  let at = 0;
  for (const set of sets) {
    images.set(set.images, at * imageBytes(first));
    labels.set(set.labels, at);
    at += set.count;
  }
  return { ...first, images, labels, count };
}

/** How many images each class has. */
export function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(set.classNames.length).fill(0);
  for (const label of set.labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/**
 * A class-balanced subset sorted by class: the first `perClass` images of
 * class 0 in their original order, then those of class 1, and so on.
 */
export function firstPerClassSortedByClass(set: ImageSet, perClass: number): ImageSet {
  const byClass: number[][] = set.classNames.map(() => []);
  for (let i = 0; i < set.count; i++) {
    const bucket = byClass[set.labels[i]!]!;
    if (bucket.length < perClass) bucket.push(i);
  }
  byClass.forEach((bucket, label) => {
    if (bucket.length < perClass) {
      throw new Error(`class ${label} has only ${bucket.length} images, fewer than ${perClass}`);
    }
  });
  return pickImages(set, byClass.flat());
}
