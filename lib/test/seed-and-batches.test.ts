import { expect } from 'chai';
import { DataLoader } from '../batches.ts';
import { randomGenerator, seedEverything, unseed } from '../seed.ts';
import { tf } from '#lib/tf.ts';

function values(tensor: tf.Tensor): number[] {
  return Array.from(tensor.dataSync());
}

/** What `draw` gives right after seedEverything(seed). */
function afterSeeding(seed: number, draw: () => tf.Tensor): number[] {
  seedEverything(seed);
  return tf.tidy(() => values(draw()));
}

describe('seedEverything', () => {
  after(() => unseed());

  const draws: Record<string, () => tf.Tensor> = {
    'tf.randomNormal': () => tf.randomNormal([50]),
    'tf.randomUniform': () => tf.randomUniform([50]),
    'a glorot-initialised dense kernel': () => {
      const layer = tf.layers.dense({ units: 6, inputShape: [5] });
      layer.apply(tf.zeros([1, 5]));
      const kernel = layer.getWeights()[0]!.clone();
      layer.dispose();
      return kernel;
    },
    'a tf.dropout mask': () => tf.dropout(tf.ones([200]), 0.5),
    'a Dropout layer mask': () => tf.layers.dropout({ rate: 0.5 }).apply(tf.ones([200]), { training: true }) as tf.Tensor,
  };

  for (const [name, draw] of Object.entries(draws)) {
    it(`makes ${name} reproducible`, () => {
      const first = afterSeeding(42, draw);
      expect(afterSeeding(42, draw)).to.deep.equal(first);
      expect(afterSeeding(43, draw)).to.not.deep.equal(first);
      expect(new Set(first).size).to.be.greaterThan(1); // really random, not constant
    });
  }

  it('gives independent seeded generators for shuffling', () => {
    const take = (seed: number) => {
      const random = randomGenerator(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(take(1)).to.deep.equal(take(1));
    expect(take(1)).to.not.deep.equal(take(2));
    for (const x of take(3)) expect(x).to.be.within(0, 1);
  });
});

describe('DataLoader', () => {
  let x: tf.Tensor2D;
  let y: tf.Tensor1D;
  const N = 10;
  beforeEach(() => {
    // Row i of x is [i, 100 + i]; y[i] = i: checks rows stay together.
    x = tf.tensor2d(Array.from({ length: N }, (_, i) => [i, 100 + i]), [N, 2], 'int32');
    y = tf.tensor1d(Array.from({ length: N }, (_, i) => i), 'int32');
  });
  afterEach(() => tf.dispose([x, y]));

  /** One epoch as plain arrays: ids per batch, checking x and y agree. */
  function epoch(loader: DataLoader): number[][] {
    const batches: number[][] = [];
    for (const batch of loader) {
      const [bx, by] = batch as [tf.Tensor, tf.Tensor];
      const ids = values(by);
      expect(bx.shape).to.deep.equal([ids.length, 2]);
      expect(values(bx)).to.deep.equal(ids.flatMap((i) => [i, 100 + i]));
      tf.dispose(batch);
      batches.push(ids);
    }
    return batches;
  }

  it('yields batches with the types and ranks of its inputs, so a training loop needs no casts', () => {
    const [images, labels] = [tf.zeros([4, 3, 3, 1]) as tf.Tensor4D, tf.tensor1d([0, 1, 2, 3], 'int32')];
    const ranks: number[][] = [];
    for (const [x, y] of new DataLoader([images, labels], { batchSize: 3 })) {
      // Typed assignments: tsc (npm run typecheck) rejects them if the batch is a plain tf.Tensor[].
      const batchImages: tf.Tensor4D = x;
      const batchLabels: tf.Tensor1D = y;
      ranks.push([batchImages.rank, batchLabels.rank, batchLabels.dtype === 'int32' ? 1 : 0]);
      tf.dispose([x, y]);
    }
    tf.dispose([images, labels]);
    expect(ranks).to.deep.equal([
      [4, 1, 1],
      [4, 1, 1],
    ]);
  });

  it('keeps the order without shuffle, with a last partial batch', () => {
    const loader = new DataLoader([x, y], { batchSize: 4 });
    expect(loader.length).to.equal(3);
    expect(epoch(loader)).to.deep.equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('drops the last partial batch when asked', () => {
    const loader = new DataLoader([x, y], { batchSize: 4, dropLast: true });
    expect(loader.length).to.equal(2);
    expect(epoch(loader)).to.deep.equal([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader([x, y], { batchSize: 5, dropLast: true }).length).to.equal(2);
    expect(new DataLoader([x, y], { batchSize: 11 }).length).to.equal(1);
  });

  it('shuffles: every example once per epoch, a new order each epoch', () => {
    const loader = new DataLoader([x, y], { batchSize: 3, shuffle: true, seed: 5 });
    const orders = [1, 2, 3].map(() => {
      const batches = epoch(loader);
      expect(batches.map((b) => b.length)).to.deep.equal([3, 3, 3, 1]);
      const order = batches.flat();
      expect([...order].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      return order;
    });
    expect(orders[0]).to.not.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(orders[1]).to.not.deep.equal(orders[0]);
    expect(orders[2]).to.not.deep.equal(orders[1]);
    expect(loader.epoch).to.equal(3);
  });

  it('repeats the same sequence of epochs from the same seed', () => {
    const run = (seed: number) => {
      const loader = new DataLoader([x, y], { batchSize: 4, shuffle: true, seed });
      return [epoch(loader), epoch(loader)];
    };
    expect(run(7)).to.deep.equal(run(7));
    expect(run(7)).to.not.deep.equal(run(8));
  });

  it('takes its seed from seedEverything when given none', () => {
    const run = () => {
      seedEverything(11);
      return epoch(new DataLoader([x, y], { batchSize: 4, shuffle: true }));
    };
    try {
      expect(run()).to.deep.equal(run());
    } finally {
      unseed();
    }
  });

  it('leaks no tensors over an epoch when the caller disposes the batches', () => {
    const loader = new DataLoader([x, y], { batchSize: 3, shuffle: true, seed: 1 });
    epoch(loader); // warm-up: backends may allocate once
    const before = tf.memory().numTensors;
    epoch(loader);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('rejects tensors of different lengths and bad batch sizes', () => {
    const short = tf.zeros([9]);
    try {
      expect(() => new DataLoader([x, short], { batchSize: 2 })).to.throw(/tensor 1 has 9 examples, tensor 0 has 10/);
    } finally {
      short.dispose();
    }
    expect(() => new DataLoader([x], { batchSize: 0 })).to.throw(/batchSize must be a positive integer/);
    expect(() => new DataLoader([], { batchSize: 2 })).to.throw(/no tensors/);
  });
});
