// TFJS_WASM_THREADS: the threaded wasm build starts in Node, trains to the
// same bits as the single-threaded build, and lets its process exit by itself.
// Each run is a child process: a process picks its backend once.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

const tfModule = new URL('../../tf.ts', import.meta.url).href;

/** A few training steps of a small conv net: the bits of its loss curve and weights. */
const script = `
import { tf } from ${JSON.stringify(tfModule)};
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
] });
const x = tf.randomNormal([16, 12, 12, 1], 0, 1, 'float32', 3);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), 'int32'), 3);
const optimizer = tf.train.momentum(0.05, 0.9);
const losses = [];
for (let i = 0; i < 10; i++) {
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
  losses.push(loss.dataSync()[0]);
  loss.dispose();
}
const bits = (values) => Array.from(new Uint32Array(Float32Array.from(values).buffer)).join(',');
console.log(JSON.stringify({ losses: bits(losses), weights: model.getWeights().map((w) => bits(w.dataSync())).join(';') }));
`;

function train(threads: number): { losses: string; weights: string; backendLine: string } {
  // No explicit exit: the child must end by itself (its threads unref'd), or the timeout fails the test.
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TFJS_BACKEND: 'wasm', TFJS_WASM_THREADS: String(threads), TFJS_QUIET: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(child.error, child.stderr).to.equal(undefined);
  expect(child.status, child.stderr).to.equal(0);
  const backendLine = child.stderr.split('\n').find((line) => line.startsWith('tfjs backend:')) ?? '';
  return { ...JSON.parse(child.stdout.trim().split('\n').at(-1)!), backendLine };
}

describe('wasm on threads (TFJS_WASM_THREADS)', () => {
  it('trains to the same bits on 2 threads as on 1, and the process exits by itself', () => {
    const single = train(1);
    const threaded = train(2);
    expect(single.backendLine).to.match(/^tfjs backend: wasm, 1 thread \(/);
    expect(threaded.backendLine).to.match(/^tfjs backend: wasm, 2 threads \(/);
    expect(threaded.losses).to.equal(single.losses);
    expect(threaded.weights).to.equal(single.weights);
  });
});
