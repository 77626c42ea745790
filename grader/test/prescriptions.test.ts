import { expect } from 'chai';
import { DataLoader } from '#lib/batches.ts';
import { tf } from '#lib/tf.ts';
import { observeOptimizers } from '../checks/optimizer-spy.ts';
import { learningRateCheck, type MeasuredRate } from '../checks/prescriptions.ts';
import { CheckFailure, type LessonContext } from '../lesson.ts';
import { recordTraining } from '../checks/trace.ts';

describe('observing what a training run used', () => {
  it('sees every optimizer that stepped, however it was made and used, and restores tfjs afterwards', async () => {
    const v = tf.variable(tf.scalar(1));
    const { optimizers } = await observeOptimizers(async () => {
      const momentum = tf.train.momentum(0.01, 0.9);
      for (let i = 0; i < 3; i++) tf.dispose(momentum.minimize(() => v.square() as tf.Scalar, true)!);
      const adam = new tf.AdamOptimizer(0.001, 0.9, 0.999);
      adam.applyGradients([{ name: v.name, tensor: tf.scalar(1) }]);
      momentum.dispose();
      adam.dispose();
    });
    expect(optimizers.map((use) => [use.className, use.steps])).to.deep.equal([
      ['Momentum', 3],
      ['Adam', 1],
    ]);
    expect(optimizers[0]!.config).to.include({ momentum: 0.9 });
    expect(tf.SGDOptimizer.prototype.applyGradients).to.equal(Object.getPrototypeOf(tf.MomentumOptimizer.prototype).applyGradients);
    const { optimizers: none } = await observeOptimizers(async () => {});
    expect(none).to.deep.equal([]);
    v.dispose();
  });

  it('records the batch sizes DataLoaders yield and the grader’s loss on the first batch', async () => {
    const x = tf.range(0, 10).reshape([10, 1]);
    const trace = await recordTraining(
      () => [],
      async (onStep) => {
        const loader = new DataLoader([x], { batchSize: 4 });
        for (const [batch] of loader) {
          onStep(batch!.sum().dataSync()[0]!);
          batch!.dispose();
        }
      },
      ([batch]) => batch!.shape[0]! * 100,
    );
    expect(trace.batchSizes).to.deep.equal([4, 4, 2]);
    expect(trace.firstBatchLoss).to.equal(400);
    expect(trace.losses).to.deep.equal([6, 22, 17]);
    x.dispose();
  });
});

describe('the learning-rate prescription', () => {
  const check = learningRateCheck({ fixture: 'run', points: 1, learningRate: 0.1, text: 'learning rate 0.1', measure: (run) => run as MeasuredRate });
  const graded = (rate: number | null) => check.run({ fixture: async () => ({ rate, how: 'measured' }) } as unknown as LessonContext);

  it('passes the README’s rate up to float32 rounding and names it when another was used', async () => {
    expect(await graded(0.1 * (1 + 3e-7))).to.have.property('message').that.includes('as the README asks');
    const failure = await graded(0.2).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(CheckFailure);
    expect((failure as CheckFailure).message).to.include('the README asks for learning rate 0.1').and.include('0.2');
  });

  it('does not judge a rate it could not measure', async () => {
    expect(await graded(null)).to.include('not compared');
  });
});
