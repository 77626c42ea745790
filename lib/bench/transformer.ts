// npm run bench -- --model transformer [--steps N] [--blocks N] [--compare-pytorch]
// Training speed of lesson 5's encoder (solutions/05-transformer, its own
// hyperparameters: batch 32, 64 tokens, dModel 32, 2 heads, Adam) on this
// machine's backend: messages per second, and where one step's time goes by
// kernel. The messages are random ids with random lengths (padding masked),
// the same shapes as the lesson's. The last line is one JSON object;
// --compare-pytorch adds transformer_pytorch.py, the same model by hand in
// PyTorch, one thread and all cores each, in the same run.
import { fileURLToPath } from 'node:url';
import { seedEverything } from '../seed.ts';
import { backend, tf } from '#lib/tf.ts';
import { compareWithPytorch } from './compare.ts';
import { fastestBlock } from './fastest-block.ts';
import { kernelProfile } from './profile.ts';

/** What the bench uses of the lesson's solution, loaded by path: tools must not need solutions/ to type-check. */
interface Lesson {
  hyperparameters: { vocabularySize: number; maxLength: number; dModel: number; heads: number; dFeedForward: number; blocks: number; batchSize: number; learningRate: number };
  createModel(config: object): unknown;
  parameters(model: unknown): tf.Variable[];
  classify(model: unknown, ids: tf.Tensor2D): tf.Tensor2D;
  lossFunction(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
}

export async function benchTransformer(options: { steps: number; blocks: number; comparePytorch?: boolean }): Promise<void> {
  if (options.comparePytorch) {
    const comparison = compareWithPytorch({
      script: fileURLToPath(new URL('./lenet.ts', import.meta.url)),
      args: ['--model', 'transformer', '--steps', String(options.steps), '--blocks', String(options.blocks)],
      python: fileURLToPath(new URL('./transformer_pytorch.py', import.meta.url)),
      pythonArgs: [String(options.steps), String(options.blocks)],
      field: 'messagesPerSecond',
    });
    console.log(JSON.stringify({ model: 'transformer', unit: 'messages/s', ...comparison }));
    return;
  }
  const lesson = (await import(new URL('../../solutions/05-transformer/transformer.ts', import.meta.url).href)) as Lesson;
  const h = lesson.hyperparameters;
  seedEverything(0);
  const model = lesson.createModel({ vocabularySize: h.vocabularySize, dModel: h.dModel, heads: h.heads, dFeedForward: h.dFeedForward, blocks: h.blocks, numClasses: 2 });
  const weights = lesson.parameters(model);
  const optimizer = tf.train.adam(h.learningRate);
  // Random messages of 8 to maxLength tokens, padded with id 0 (PAD) as the lesson pads.
  const ids = tf.tidy(() => {
    const tokens = tf.randomUniform([h.batchSize, h.maxLength], 2, h.vocabularySize, 'int32');
    const lengths = tf.randomUniform([h.batchSize, 1], 8, h.maxLength + 1, 'int32');
    return tokens.mul(tf.range(0, h.maxLength, 1, 'int32').expandDims(0).less(lengths).cast('int32'));
  }) as tf.Tensor2D;
  const labels = tf.randomUniform([h.batchSize], 0, 2, 'int32') as tf.Tensor1D;
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => lesson.lossFunction(lesson.classify(model, ids), labels), weights);
      optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      return value;
    });
  const timedStep = () => step().dataSync();
  for (let i = 0; i < 5; i++) timedStep();
  const seconds = fastestBlock(timedStep, options.steps, options.blocks);
  const messagesPerSecond = Math.round((options.steps * h.batchSize) / seconds);
  const stepMs = (1000 * seconds) / options.steps;
  console.log(`lesson 5's encoder, batch ${h.batchSize}, fastest of ${options.blocks} blocks of ${options.steps} steps on ${backend.name}: ${messagesPerSecond} messages/s (${stepMs.toFixed(1)} ms per step)`);
  await kernelProfile(() => void timedStep(), stepMs);
  console.log(JSON.stringify({ backend: backend.name, model: 'transformer', batchSize: h.batchSize, messagesPerSecond }));
}
