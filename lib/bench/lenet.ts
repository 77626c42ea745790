// npm run bench [-- --steps N] [--blocks N] [--compare-pytorch] [--processes N] [--model lenet|transformer|kernels]
// Training speed of the original lesson's LeNet at batch 32 on this machine's
// backend: images per second, and where one step's time goes. The last line
// is one JSON object for scripts to read. --compare-pytorch times the same
// model in PyTorch in the same run, each side on one thread and on all
// cores, and puts the ratios (wasm over PyTorch) in that line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { lenet } from '../models/lenet.ts';
import { compareWithPytorch } from './compare.ts';
import { fastestBlock } from './fastest-block.ts';
import { kernelProfile } from './profile.ts';
import { benchKernels } from './kernels.ts';
import { benchTransformer } from './transformer.ts';
import { seedEverything } from '../seed.ts';
import { backend, tf } from '#lib/tf.ts';

const program = new Command('bench')
  .option('--model <name>', 'lenet (lesson 3), transformer (lesson 5), or kernels (their slowest kernels, each alone)', 'lenet')
  .option('--steps <n>', 'timed training steps (default 150 for lenet, 40 for the transformer, 50 calls of each kernel)', (value) => Number(value))
  .option('--blocks <n>', 'time this many blocks of --steps steps and keep the fastest', (value) => Number(value), 5)
  .option('--compare-pytorch', "also time the same model in PyTorch (Debian's python3-torch), if installed")
  .option('--processes <n>', 'run this many benches at once, as `ta compare` runs its workers, and add up their speeds', (value) => Number(value), 1)
  .parse();
const options = program.opts<{ model: string; steps: number; blocks: number; comparePytorch?: boolean; processes: number }>();
if (!['lenet', 'transformer', 'kernels'].includes(options.model)) program.error(`--model must be lenet, transformer or kernels, not "${options.model}"`);
options.steps ??= ({ lenet: 150, transformer: 40, kernels: 50 } as Record<string, number>)[options.model]!;
if (!Number.isInteger(options.steps) || options.steps < 1) program.error('--steps must be a whole number of at least 1');
if (!Number.isInteger(options.blocks) || options.blocks < 1) program.error('--blocks must be a whole number of at least 1');
if (options.model === 'transformer') {
  await benchTransformer(options);
  process.exit(0);
}
if (options.model === 'kernels') {
  if (options.comparePytorch || options.processes !== 1) program.error('--model kernels times this backend alone: no --compare-pytorch or --processes');
  benchKernels(options);
  process.exit(0);
}
const BATCH = 32;

if (!Number.isInteger(options.processes) || options.processes < 1) program.error('--processes must be a whole number of at least 1');
if (options.processes > 1) {
  await benchSideBySide(options.processes);
  process.exit(0);
}
if (options.comparePytorch) {
  const comparison = compareWithPytorch({
    script: fileURLToPath(import.meta.url),
    args: ['--steps', String(options.steps), '--blocks', String(options.blocks)],
    python: fileURLToPath(new URL('./lenet_pytorch.py', import.meta.url)),
    pythonArgs: [String(options.steps), String(options.blocks)],
    field: 'imagesPerSecond',
  });
  console.log(JSON.stringify({ model: 'lenet', batchSize: BATCH, unit: 'images/s', ...comparison }));
  process.exit(0);
}

/** n copies of this bench at once: how much faster than one a machine's cores train together. */
async function benchSideBySide(n: number): Promise<void> {
  const script = fileURLToPath(import.meta.url);
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, script, '--steps', String(options.steps), '--blocks', String(options.blocks)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        const last = out.trim().split('\n').at(-1) ?? '';
        if (code !== 0) reject(new Error(`a bench process exited with code ${code}`));
        else resolve((JSON.parse(last) as { imagesPerSecond: number }).imagesPerSecond);
      });
    });
  const speeds = await Promise.all(Array.from({ length: n }, one));
  const total = speeds.reduce((a, b) => a + b, 0);
  console.log(`${n} benches at once: ${speeds.join(', ')} images/s, ${total} in all`);
  console.log(JSON.stringify({ backend: backend.name, model: 'lenet', batchSize: BATCH, processes: n, imagesPerSecond: total }));
}

seedEverything(0);
const model = lenet([28, 28, 1], 10);
const optimizer = tf.train.momentum(0.01, 0.9);
const images = tf.randomNormal([BATCH, 28, 28, 1]);
const labels = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32') as tf.Tensor1D, 10);
const step = () =>
  tf.tidy(() => {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(images, { training: true }) as tf.Tensor) as tf.Scalar);
  });

for (let i = 0; i < 10; i++) step();
const seconds = fastestBlock(step, options.steps, options.blocks);
const imagesPerSecond = Math.round((options.steps * BATCH) / seconds);
const stepMs = (1000 * seconds) / options.steps;

console.log(`LeNet, batch ${BATCH}, fastest of ${options.blocks} blocks of ${options.steps} steps on ${backend.name}: ${imagesPerSecond} images/s (${stepMs.toFixed(1)} ms per step)`);
await kernelProfile(step, stepMs);

console.log(JSON.stringify({ backend: backend.name, model: 'lenet', batchSize: BATCH, imagesPerSecond }));
