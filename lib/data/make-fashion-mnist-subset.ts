// Regenerates the committed subset in fashion-mnist-subset/ from the full data
// (found as loadFashionMnist finds it: --source, FASHION_MNIST_DIR, the Debian
// package, the cache). Same input and counts give byte-identical output.
//
//   npx tsx lib/data/make-fashion-mnist-subset.ts [--train-per-class 800] [--test-per-class 200]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { writeChecksums } from './checksums.ts';
import { FASHION_MNIST_FILES, FASHION_MNIST_SUBSET_DIR, loadFashionMnist } from './fashion-mnist.ts';
import { gzipDeterministic } from './gzip.ts';
import { positiveInt } from './positive-int.ts';
import { encodeIdx } from './idx.ts';
import type { ImageSet } from './image-set.ts';
import { firstPerClassSortedByClass } from './image-set-ops.ts';

const options = new Command()
  .description('Write the class-balanced, class-sorted Fashion-MNIST subset as gzipped IDX files.')
  .option('--source <dir>', 'folder with the full data set')
  .option('--out <dir>', 'output folder', FASHION_MNIST_SUBSET_DIR)
  .option('--train-per-class <n>', 'training images per class', positiveInt, 800)
  .option('--test-per-class <n>', 'test images per class', positiveInt, 200)
  .parse()
  .opts<{ source?: string; out: string; trainPerClass: number; testPerClass: number }>();

const full = await loadFashionMnist(options.source ? { path: options.source } : {});
const subsets = {
  train: firstPerClassSortedByClass(full.train, options.trainPerClass),
  test: firstPerClassSortedByClass(full.test, options.testPerClass),
};

mkdirSync(options.out, { recursive: true });
const written: string[] = [];
let total = 0;
function write(name: string, idx: Uint8Array): void {
  const gz = gzipDeterministic(idx);
  writeFileSync(join(options.out, name), gz);
  written.push(name);
  total += gz.length;
  console.log(`${name}: ${gz.length} bytes`);
}
function writeSplit(set: ImageSet, imagesName: string, labelsName: string): void {
  write(imagesName, encodeIdx([set.count, set.height, set.width], set.images));
  write(labelsName, encodeIdx([set.count], set.labels));
}
writeSplit(subsets.train, FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels);
writeSplit(subsets.test, FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels);
writeChecksums(options.out, written);
console.log(`${subsets.train.count} train + ${subsets.test.count} test images, ${total} bytes in ${options.out}`);
