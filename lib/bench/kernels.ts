// npm run bench -- --model kernels [--steps N] [--blocks N]
// The training kernels that take most of LeNet's and lesson 5's steps, each
// alone on its own shape from those models: microseconds per call, the
// fastest of --blocks blocks of --steps calls. For tuning a kernel: a change
// shows here without the noise of a whole training step. The last line is
// one JSON object.
import { backend, tf } from '#lib/tf.ts';
import { fastestBlock } from './fastest-block.ts';

type Shape4 = [number, number, number, number];
const conv = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 };
const normal = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 1);

/** Each kernel: its name, what it computes, and the call. */
function kernels(): [string, () => tf.Tensor][] {
  const lenet1 = { x: normal([32, 28, 28, 1]), w: normal([5, 5, 1, 6]), dy: normal([32, 24, 24, 6]) };
  const lenet2 = { x: normal([32, 12, 12, 6]), w: normal([5, 5, 6, 16]), dy: normal([32, 8, 8, 16]) };
  const pooled = normal([32, 12, 12, 6]);
  const heads = { scores: normal([32, 2, 64, 64]), q: normal([32, 2, 64, 16]), k: normal([32, 2, 64, 16]) };
  const rows = { x: normal([2048, 64]), dy: normal([2048, 32]) };
  const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) => () =>
    tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  return [
    ['LeNet conv1 Conv2D', run('Conv2D', { x: lenet1.x, filter: lenet1.w }, conv)],
    ['LeNet conv1 Conv2DBackpropFilter', run('Conv2DBackpropFilter', { x: lenet1.x, dy: lenet1.dy }, { ...conv, filterShape: lenet1.w.shape })],
    ['LeNet pool1 MaxPoolGrad', run('MaxPoolGrad', { dy: pooled, input: lenet1.dy, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid' })],
    ['LeNet conv2 Conv2D', run('Conv2D', { x: lenet2.x, filter: lenet2.w }, conv)],
    ['LeNet conv2 Conv2DBackpropFilter', run('Conv2DBackpropFilter', { x: lenet2.x, dy: lenet2.dy }, { ...conv, filterShape: lenet2.w.shape })],
    ['LeNet conv2 Conv2DBackpropInput', run('Conv2DBackpropInput', { dy: lenet2.dy, filter: lenet2.w }, { ...conv, inputShape: lenet2.x.shape as Shape4 })],
    ['encoder attention weights x values', run('BatchMatMul', { a: heads.scores, b: heads.q }, { transposeA: false, transposeB: false })],
    ['encoder queries x keys', run('BatchMatMul', { a: heads.q, b: heads.k }, { transposeA: false, transposeB: true })],
    ['encoder weight gradient [2048,64]T x [2048,32]', run('BatchMatMul', { a: rows.x, b: rows.dy }, { transposeA: true, transposeB: false })],
  ];
}

export function benchKernels(options: { steps: number; blocks: number }): void {
  const microseconds: Record<string, number> = {};
  for (const [name, call] of kernels()) {
    const timed = () => call().dispose();
    for (let i = 0; i < 10; i++) timed();
    microseconds[name] = Math.round((1e6 * fastestBlock(timed, options.steps, options.blocks)) / options.steps);
    console.log(`${name.padEnd(48)} ${String(microseconds[name]).padStart(6)} µs`);
  }
  console.log(JSON.stringify({ backend: backend.name, model: 'kernels', unit: 'µs per call', microseconds }));
}
