// Mini-batches in the spirit of PyTorch's DataLoader: iterate over it once per
// epoch, getting one array of batch tensors per step.
import { randomGenerator, type RandomGenerator } from './seed.ts';
import { tf } from '#lib/tf.ts';

/** Told of every batch a DataLoader yields, with the loader that made it. */
export type BatchListener = (batch: readonly tf.Tensor[], loader: DataLoader) => void;

const listeners = new Set<BatchListener>();

/**
 * Calls `listener` with every batch any DataLoader yields, until the returned
 * function is called. The grader uses it to see the batch sizes a training run
 * used, however the loop around the loader is written.
 */
export function observeBatches(listener: BatchListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface DataLoaderOptions {
  batchSize: number;
  /** A new random order every epoch. Default false: the data's own order. */
  shuffle?: boolean;
  /**
   * Makes the sequence of epoch orders reproducible. Without it the orders
   * come from Math.random, so seedEverything still makes them reproducible.
   */
  seed?: number;
  /** Drop a last batch smaller than batchSize. Default false: keep it. */
  dropLast?: boolean;
}

/**
 * Yields, for each batch, one tensor per input tensor: the same examples
 * (rows along the first dimension) taken from each. A batch has the types of
 * the inputs: `new DataLoader([images, labels])` of a Tensor4D and a Tensor1D
 * yields `[Tensor4D, Tensor1D]` pairs, so no cast is needed.
 *
 * The caller owns the yielded tensors and must dispose them (for example with
 * tf.dispose(batch) at the end of the step); the loader keeps no reference to
 * them. The input tensors stay the caller's too.
 */
export class DataLoader<Batch extends tf.Tensor[] = tf.Tensor[]> implements Iterable<Batch> {
  readonly tensors: Readonly<Batch>;
  /** Number of examples. */
  readonly size: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly random: RandomGenerator;
  private epochsStarted = 0;

  constructor(tensors: [...Batch], options: DataLoaderOptions) {
    const first = tensors[0];
    if (first === undefined) throw new Error('DataLoader: no tensors');
    const size = first.shape[0];
    if (size === undefined) throw new Error('DataLoader: tensors must have at least one dimension');
    tensors.forEach((tensor, i) => {
      if (tensor.shape[0] !== size) {
        throw new Error(`DataLoader: tensor ${i} has ${tensor.shape[0]} examples, tensor 0 has ${size}`);
      }
    });
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.tensors = [...tensors] as Batch;
    this.size = size;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    // One generator for the loader's life: each epoch's permutation draws the
    // next numbers from it, so epoch 2 differs from epoch 1 and the whole
    // sequence of epochs follows from the seed.
    this.random = randomGenerator(options.seed ?? Math.random());
  }

  /** Number of batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** Number of epochs (iterations over the loader) begun so far. */
  get epoch(): number {
    return this.epochsStarted;
  }

  /** Starts a new epoch: its order is fixed now, its batches made as they are taken. */
  [Symbol.iterator](): Iterator<Batch> {
    this.epochsStarted += 1;
    const order = this.shuffle ? this.permutation() : Int32Array.from({ length: this.size }, (_, i) => i);
    return this.batches(order);
  }

  private *batches(order: Int32Array): Generator<Batch> {
    for (let b = 0; b < this.length; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, this.size));
      const batch = tf.tidy(() => {
        const index = tf.tensor1d(indices, 'int32');
        // Gathering rows keeps each tensor's rank and dtype: the batch has the inputs' types.
        return this.tensors.map((tensor) => tf.gather(tensor, index)) as Batch;
      });
      for (const listener of listeners) listener(batch, this);
      yield batch;
    }
  }

  /** Fisher–Yates shuffle of 0..size-1. */
  private permutation(): Int32Array {
    const order = Int32Array.from({ length: this.size }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
    }
    return order;
  }
}
