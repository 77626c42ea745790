// The training kernels this project adds to wasm, against the cpu backend's.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { randomGenerator, seedEverything } from '../../seed.ts';
import { simdKernels } from '../../runtime/wasm-kernels/simd-module.ts';
import { compose, type WasmBackend } from '../../runtime/wasm-kernels/compose.ts';
import { composedFilterGradient, filterGradientInC } from '../../runtime/wasm-kernels/conv2d-backprop-filter.ts';
import { conv2dInC, xnnpackConv2d } from '../../runtime/wasm-kernels/conv2d.ts';
import { tf } from '#lib/tf.ts';

/** Runs `compute` on wasm and on cpu with the same inputs; returns the largest error relative to the largest value. */
async function relativeError(compute: () => tf.Tensor): Promise<number> {
  const onWasm = tf.tidy(compute).dataSync().slice();
  await tf.setBackend('cpu');
  const onCpu = tf.tidy(compute).dataSync();
  await tf.setBackend('wasm');
  expect(onWasm.length).to.equal(onCpu.length);
  let error = 0;
  let scale = 0;
  onCpu.forEach((value, i) => {
    error = Math.max(error, Math.abs(value - onWasm[i]!));
    scale = Math.max(scale, Math.abs(value));
  });
  return error / scale;
}

const values = (shape: number[], seed: number) => {
  const random = randomGenerator(seed);
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);
};

// A process picks its backend once. Where tfjs-node runs this one (GitHub
// Actions), the kernels are still tested: this file runs again in a child
// process forced onto wasm.
const onWasm = tf.getBackend() === 'wasm';
const describeOnWasm = onWasm ? describe : describe.skip;

if (!onWasm) {
  describe('wasm training kernels, in a child process forced onto wasm', () => {
    it(`pass there (this process runs on ${tf.getBackend()})`, function () {
      this.timeout(900_000);
      const mocha = join(dirname(createRequire(import.meta.url).resolve('mocha/package.json')), 'bin', 'mocha.js');
      const child = spawnSync(process.execPath, [mocha, '--no-config', '--node-option', 'import=tsx', '--timeout', '300000', fileURLToPath(import.meta.url)], {
        env: { ...process.env, TFJS_BACKEND: 'wasm' },
        encoding: 'utf8',
      });
      expect(child.status, `${child.stdout}\n${child.stderr}`).to.equal(0);
      expect(child.stdout).to.match(/[1-9]\d* passing/).and.not.match(/pending/);
    });
  });
}

// Where WebAssembly lacks SIMD, the kernels that have a SIMD version fall
// back on wasm's own or on compositions of them: their tests, in a child
// process with the SIMD kernels off.
if (onWasm && process.env.WASM_SIMD_KERNELS !== 'off') {
  describe('wasm training kernels without SIMD, in a child process', () => {
    it('pass there too', function () {
      this.timeout(900_000);
      const mocha = join(dirname(createRequire(import.meta.url).resolve('mocha/package.json')), 'bin', 'mocha.js');
      const grep = 'uses the SIMD kernels|MaxPoolGrad|Conv2DBackpropFilter:|Conv2DBackpropInput|BatchMatMul|Sum of|GatherV2 of a ';
      const child = spawnSync(process.execPath, [mocha, '--no-config', '--node-option', 'import=tsx', '--timeout', '300000', '--grep', grep, fileURLToPath(import.meta.url)], {
        env: { ...process.env, WASM_SIMD_KERNELS: 'off' },
        encoding: 'utf8',
      });
      expect(child.status, `${child.stdout}\n${child.stderr}`).to.equal(0);
      expect(child.stdout).to.match(/[1-9]\d* passing/).and.not.match(/pending/);
    });
  });
}

describeOnWasm('wasm training kernels', () => {
  it('uses the SIMD kernels unless WASM_SIMD_KERNELS=off', () => {
    expect(simdKernels() === null).to.equal(process.env.WASM_SIMD_KERNELS === 'off');
  });

  const random = randomGenerator('conv2d shapes');
  const pick = <T>(options: readonly T[]) => options[Math.floor(random() * options.length)]!;
  for (let trial = 0; trial < 12; trial++) {
    const [batch, height, width] = [pick([1, 2, 3]), pick([5, 8, 11]), pick([6, 9, 12])];
    const [inChannels, outChannels, kernel] = [pick([1, 2, 3]), pick([1, 4, 6]), pick([1, 2, 3, 5])];
    const stride = pick([1, 2, 3]);
    const pad = pick(['valid', 'same', [[0, 0], [1, 0], [0, 2], [0, 0]]] as const);
    const name = `Conv2DBackpropFilter: x [${batch},${height},${width},${inChannels}], filter ${kernel}x${kernel}x${outChannels}, stride ${stride}, pad ${JSON.stringify(pad)}`;
    it(name, async () => {
      const xShape: [number, number, number, number] = [batch, height, width, inChannels];
      const fShape: [number, number, number, number] = [kernel, kernel, inChannels, outChannels];
      const error = await relativeError(() => {
        const x = tf.tensor4d(values(xShape, trial), xShape);
        const filter = tf.tensor4d(values(fShape, trial + 100), fShape);
        return tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, stride, pad as 'valid').square().sum())(filter);
      });
      expect(error).to.be.at.most(1e-4);
    });
    it(name.replace('Conv2DBackpropFilter', 'Conv2DBackpropInput'), async () => {
      const xShape: [number, number, number, number] = [batch, height, width, inChannels];
      const fShape: [number, number, number, number] = [kernel, kernel, inChannels, outChannels];
      const error = await relativeError(() => {
        const x = tf.tensor4d(values(xShape, trial + 200), xShape);
        const filter = tf.tensor4d(values(fShape, trial + 300), fShape);
        return tf.grad((input: tf.Tensor) => tf.conv2d(input as tf.Tensor4D, filter, stride, pad as 'valid').square().sum())(x);
      });
      expect(error).to.be.at.most(1e-4);
    });
  }

  // The composition's shortcuts: no padding to add, no extra rows to cut, one
  // input channel (its last transpose is a reshape), one output channel.
  const filterCases: [[number, number, number, number], [number, number, number, number], number, 'valid' | 'same'][] = [
    [[3, 12, 12, 1], [5, 5, 1, 6], 1, 'valid'],
    [[3, 12, 12, 1], [5, 5, 1, 6], 1, 'same'],
    [[2, 10, 9, 6], [5, 5, 6, 16], 1, 'valid'],
    [[2, 9, 9, 3], [3, 3, 3, 1], 2, 'valid'],
    [[2, 8, 7, 1], [3, 2, 1, 1], 3, 'same'],
  ];
  for (const [xShape, fShape, stride, pad] of filterCases) {
    it(`Conv2DBackpropFilter: x [${xShape}], filter [${fShape}], stride ${stride}, pad ${pad}`, async () => {
      const error = await relativeError(() => {
        const x = tf.tensor4d(values(xShape, 900), xShape);
        const filter = tf.tensor4d(values(fShape, 901), fShape);
        return tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, stride, pad).square().sum())(filter);
      });
      expect(error).to.be.at.most(1e-4);
    });
  }

  // The C filter gradient sums in XNNPACK's order, so that grading gives the same bits with it
  // as with the composition it replaced: LeNet's two, padding, strides that leave rows unread,
  // channels past a tile of 8, more terms than one block, one output channel.
  const sameBitsCases: [Shape, Shape, number | [number, number], Pad][] = [
    [[32, 28, 28, 1], [5, 5, 1, 6], 1, 'valid'],
    [[32, 12, 12, 6], [5, 5, 6, 16], 1, 'valid'],
    [[3, 12, 12, 1], [5, 5, 1, 6], 1, 'same'],
    [[4, 11, 12, 3], [3, 3, 3, 20], 2, 'same'],
    [[2, 10, 7, 2], [3, 2, 2, 5], [3, 2], [[0, 0], [2, 1], [0, 3], [0, 0]]],
    [[1, 600, 5, 2], [2, 2, 2, 9], 1, 'valid'],
    [[2, 8, 7, 1], [3, 2, 1, 1], 3, 'same'],
  ];
  for (const [xShape, fShape, strides, pad] of sameBitsCases) {
    it(`Conv2DBackpropFilter in C: x [${xShape}], filter [${fShape}], strides ${strides}, pad ${JSON.stringify(pad)}: the composition's bits, twice`, function () {
      if (!simdKernels()) this.skip();
      const backend = tf.backend() as unknown as WasmBackend;
      const x = tf.tensor4d(values(xShape, 700), xShape);
      const info = tf.backend_util.computeConv2DInfo(xShape, fShape, strides, 1, pad as 'valid');
      const dyShape: Shape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const dy = tf.tensor4d(values(dyShape, 702), dyShape);
      const read = (result: tf.TensorInfo) => {
        const bits = new Uint32Array(Float32Array.from(backend.readSync(result.dataId) as Float32Array).buffer);
        backend.disposeData(result.dataId);
        return Array.from(bits);
      };
      const k = compose(backend);
      const composed = read(k.finish(composedFilterGradient(k, info, x, dy)));
      const inC = read(filterGradientInC(backend, info, x, dy));
      expect(inC).to.deep.equal(composed);
      expect(read(filterGradientInC(backend, info, x, dy))).to.deep.equal(inC);
      tf.dispose([x, dy]);
    });
  }

  // Conv2D in C sums in XNNPACK's order: LeNet's two, padding, strides, channels past a tile
  // of 8, fewer than 4, whole tiles of 8, a short last tile.
  const convCases: [Shape, Shape, number | [number, number], Pad][] = [
    [[32, 28, 28, 1], [5, 5, 1, 6], 1, 'valid'],
    [[32, 12, 12, 6], [5, 5, 6, 16], 1, 'valid'],
    [[3, 9, 9, 8], [3, 3, 8, 16], 1, 'same'],
    [[2, 7, 7, 32], [3, 3, 32, 64], 2, 'same'],
    [[3, 12, 12, 1], [5, 5, 1, 6], 1, 'same'],
    [[4, 11, 12, 3], [3, 3, 3, 20], 2, 'same'],
    [[2, 10, 7, 2], [3, 2, 2, 5], [3, 2], [[0, 0], [2, 1], [0, 3], [0, 0]]],
    [[1, 7, 5, 2], [2, 2, 2, 3], 1, 'valid'],
    [[2, 8, 7, 1], [3, 2, 1, 1], 3, 'same'],
    [[5, 7, 7, 4], [3, 3, 4, 12], 1, 'same'],
  ];
  for (const [xShape, fShape, strides, pad] of convCases) {
    it(`Conv2D in C: x [${xShape}], filter [${fShape}], strides ${strides}, pad ${JSON.stringify(pad)}: XNNPACK's bits, twice`, function () {
      if (!simdKernels()) this.skip();
      const backend = tf.backend() as unknown as WasmBackend;
      const x = tf.tensor4d(values(xShape, 710), xShape);
      const filter = tf.tensor4d(values(fShape, 711), fShape);
      const info = tf.backend_util.computeConv2DInfo(xShape, fShape, strides, 1, pad as 'valid');
      const read = (result: tf.TensorInfo) => {
        const bits = new Uint32Array(Float32Array.from(backend.readSync(result.dataId) as Float32Array).buffer);
        backend.disposeData(result.dataId);
        return Array.from(bits);
      };
      const attrs = { strides, pad, dataFormat: 'NHWC', dilations: 1 } as unknown as tf.NamedAttrMap;
      const xnnpack = read(xnnpackConv2d!({ inputs: { x, filter }, attrs, backend }) as tf.TensorInfo);
      const inC = read(conv2dInC(backend, info, x, filter));
      expect(inC).to.deep.equal(xnnpack);
      expect(read(conv2dInC(backend, info, x, filter))).to.deep.equal(inC);
      // And through tf.conv2d, which takes the C path for these filters.
      const y = tf.conv2d(x, filter, strides, pad as 'valid');
      expect(Array.from(new Uint32Array(y.dataSync().slice().buffer))).to.deep.equal(inC);
      tf.dispose([x, filter, y]);
    });
  }

  // The input gradients' paths: dy's zeros given to the convolution as its padding (LeNet's
  // conv2, strides, 'same', explicit), a stride's trailing zeros counted in that padding, the
  // 1x1 filter that keeps PadV2, a crop that leaves nothing, a padding wider than the filter
  // (its first rows see only zeros), depthwise multipliers moved to the front; and no
  // intermediate left on the backend.
  type Shape = [number, number, number, number];
  type Pad = 'valid' | 'same' | number | [[0, 0], [number, number], [number, number], [0, 0]];
  const inputCases: [string, Shape, Shape, number | [number, number], Pad, number][] = [
    ['Conv2DBackpropInput', [2, 14, 14, 6], [5, 5, 6, 16], 1, 'valid', 1],
    ['Conv2DBackpropInput', [2, 9, 8, 3], [3, 3, 3, 4], 2, 'same', 1],
    ['Conv2DBackpropInput', [2, 10, 7, 2], [3, 2, 2, 5], [3, 2], [[0, 0], [2, 1], [0, 3], [0, 0]], 1],
    ['Conv2DBackpropInput', [2, 7, 7, 3], [1, 1, 3, 4], 2, 'valid', 1],
    ['Conv2DBackpropInput', [1, 11, 1, 1], [3, 2, 1, 16], [3, 1], 2, 1],
    ['Conv2DBackpropInput', [1, 2, 1, 2], [5, 1, 2, 4], [3, 2], 2, 1],
    ['Conv2DBackpropInput', [2, 6, 6, 1], [3, 3, 1, 4], 1, [[0, 0], [4, 0], [0, 4], [0, 0]], 1],
    ['DepthwiseConv2dNativeBackpropInput', [2, 14, 14, 8], [3, 3, 8, 2], 1, 'same', 1],
    ['DepthwiseConv2dNativeBackpropInput', [2, 9, 10, 3], [3, 3, 3, 3], 2, 'same', 1],
    ['DepthwiseConv2dNativeBackpropInput', [1, 1, 3, 3], [2, 4, 3, 1], [3, 1], [[0, 0], [3, 0], [0, 3], [0, 0]], 1],
    ['DepthwiseConv2dNativeBackpropInput', [1, 11, 1, 8], [5, 1, 8, 3], [2, 3], 2, 1],
    ['DepthwiseConv2dNativeBackpropInput', [2, 5, 5, 2], [1, 1, 2, 2], 2, 'same', 1],
  ];
  for (const [kernel, xShape, fShape, strides, pad, dilations] of inputCases) {
    it(`${kernel}: x [${xShape}], filter [${fShape}], strides ${strides}, pad ${JSON.stringify(pad)}, dilation ${dilations}`, async () => {
      const depthwise = kernel.startsWith('Depthwise');
      const dyShape = tf.backend_util.computeConv2DInfo(xShape, fShape, strides, dilations, pad, undefined, depthwise).outShape;
      const attrs = { strides, pad, dilations, dataFormat: 'NHWC', inputShape: xShape };
      const dataIds = () => (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
      let leftBehind = -1;
      const error = await relativeError(() => {
        const dy = tf.tensor(values(dyShape, 950), dyShape);
        const filter = tf.tensor(values(fShape, 951), fShape);
        const before = dataIds();
        const dx = tf.engine().runKernel(kernel, { dy, filter }, attrs) as tf.Tensor;
        if (leftBehind < 0) leftBehind = dataIds() - before - 1;
        // A 1 appended: some of these gradients are all zeros (every window sees only padding).
        return tf.concat([dx.flatten(), tf.ones([1])]);
      });
      expect(leftBehind).to.equal(0);
      expect(error).to.be.at.most(1e-4);
    });
  }

  it('DepthwiseConv2dNativeBackpropInput: dilation 2, two multipliers, against cpu with the filter spread by zeros', async () => {
    // cpu's own kernel is wrong here (off by about the gradient's size); the same filter spread
    // apart by zeros, at dilation 1, is the same convolution.
    const [xShape, fShape]: [Shape, Shape] = [[2, 9, 10, 3], [3, 3, 3, 2]];
    const dyShape = tf.backend_util.computeConv2DInfo(xShape, fShape, 1, 2, 'valid', undefined, true).outShape;
    const error = await relativeError(() => {
      const dy = tf.tensor(values(dyShape, 960), dyShape);
      const filter = tf.tensor4d(values(fShape, 961), fShape);
      if (tf.getBackend() === 'wasm') {
        return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides: 1, pad: 'valid', dilations: 2, inputShape: xShape }) as tf.Tensor;
      }
      const spread = filter.reshape([3, 1, 3, 1, 3, 2]).pad([[0, 0], [0, 1], [0, 0], [0, 1], [0, 0], [0, 0]]).reshape([6, 6, 3, 2]).slice([0, 0], [5, 5]);
      return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: spread }, { strides: 1, pad: 'valid', dilations: 1, inputShape: xShape }) as tf.Tensor;
    });
    expect(error).to.be.at.most(1e-4);
  });

  for (let trial = 0; trial < 10; trial++) {
    const [batch, height, width, channels] = [pick([1, 2, 3]), pick([5, 8, 11]), pick([6, 9, 12]), pick([1, 2, 3])];
    const [kernel, multiplier] = [pick([1, 2, 3, 5]), pick([1, 1, 2])];
    // tfjs convolves with a dilation only at stride 1.
    const [stride, dilation] = pick([[1, 1], [2, 1], [3, 1], [1, 2], [1, 3]] as const);
    const pad = pick(['valid', 'same', [[0, 0], [2, 1], [0, 3], [0, 0]]] as const);
    const padded = typeof pad === 'string' ? [height, width] : [height + 3, width + 3];
    if (pad !== 'same' && (padded[0]! < (kernel - 1) * dilation + 1 || padded[1]! < (kernel - 1) * dilation + 1)) continue;
    const xShape: [number, number, number, number] = [batch, height, width, channels];
    const fShape: [number, number, number, number] = [kernel, kernel, channels, multiplier];
    const attrs = { strides: stride, dilations: dilation, pad };
    const outShape = () => tf.depthwiseConv2d(tf.zeros(xShape) as tf.Tensor4D, tf.zeros(fShape) as tf.Tensor4D, stride, pad as 'valid', 'NHWC', dilation).shape;
    const where = `x [${xShape}], filter ${kernel}x${kernel}x${multiplier}, stride ${stride}, dilation ${dilation}, pad ${JSON.stringify(pad)}`;
    it(`DepthwiseConv2dNativeBackpropFilter: ${where}`, async () => {
      const error = await relativeError(() => {
        const x = tf.tensor4d(values(xShape, trial + 400), xShape);
        const dy = tf.tensor(values(outShape(), trial + 500), outShape());
        return tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: fShape }) as tf.Tensor;
      });
      expect(error).to.be.at.most(1e-4);
    });
    it(`DepthwiseConv2dNativeBackpropInput: ${where}`, async () => {
      const error = await relativeError(() => {
        const filter = tf.tensor4d(values(fShape, trial + 600), fShape);
        const dy = tf.tensor(values(outShape(), trial + 700), outShape());
        return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: xShape }) as tf.Tensor;
      });
      expect(error).to.be.at.most(1e-4);
    });
  }

  for (let trial = 0; trial < 10; trial++) {
    const xShape: [number, number, number, number] = [pick([1, 2, 3]), pick([4, 7, 12]), pick([5, 8, 9]), pick([1, 3, 6])];
    // Half the trials pool side by side, as the course's layers do; those take another path.
    const [size, stride] = trial % 2 ? [pick([2, 3]), 0] : [pick([1, 2, 3]), pick([1, 2, 3])];
    const pad = pick(['valid', 'same'] as const);
    if (pad === 'valid' && (xShape[1] < size || xShape[2] < size)) continue;
    // relu first: whole windows of zeros, where only the first maximum may get the gradient.
    const strideOrSize = stride || size;
    it(`MaxPoolGrad: x [${xShape}] with ties, window ${size}, stride ${strideOrSize}, pad ${pad}`, async () => {
      const error = await relativeError(() => {
        const x = tf.tensor4d(values(xShape, trial + 800), xShape).relu();
        const weights = tf.tensor(values([1000], trial), [1000]);
        return tf.grad((input: tf.Tensor) => {
          const pooled = tf.maxPool(input as tf.Tensor4D, size, strideOrSize, pad);
          return pooled.mul(weights.slice(0, pooled.size).reshape(pooled.shape)).sum();
        })(x);
      });
      expect(error).to.be.at.most(1e-4);
    });
  }

  // Windows the gradient must route exactly as cpu does: all zeros (relu), all
  // one negative value, ties between later pixels, only negatives, -0 against 0.
  const tricky = [0, 0, 0, 0, -0.5, -0.5, -0.5, -0.5, 1, 3, 3, 2, -3, -1, -2, -1, -0, 0, 0, -0, 2, 1, 2, 2];
  const trickyCases: [[number, number, number, number], number | [number, number], 'valid' | 'same'][] = [
    [[2, 4, 6, 3], 2, 'valid'],
    [[1, 5, 7, 2], 2, 'valid'],
    [[1, 5, 7, 2], 2, 'same'],
    [[2, 6, 6, 1], 3, 'valid'],
    [[1, 7, 5, 4], 3, 'same'],
    // LeNet's pooling, and windows one pixel high or wide, whose moves are partly reshapes.
    [[2, 8, 8, 6], 2, 'valid'],
    [[2, 4, 6, 3], [1, 2], 'valid'],
    [[2, 4, 6, 1], [2, 1], 'valid'],
    [[1, 5, 6, 2], [2, 3], 'same'],
  ];
  for (const [shape, size, pad] of trickyCases) {
    it(`MaxPoolGrad: x [${shape}], window and stride ${size}, pad ${pad}: ties and negative windows routed exactly as on cpu`, async () => {
      const compute = () => {
        const count = shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor4d(Array.from({ length: count }, (_, i) => tricky[i % tricky.length]!), shape);
        return tf.grad((input: tf.Tensor) => {
          const pooled = tf.maxPool(input as tf.Tensor4D, size, size, pad);
          return pooled.mul(tf.range(1, pooled.size + 1).reshape(pooled.shape)).sum();
        })(x);
      };
      const onWasm = tf.tidy(compute).dataSync().slice();
      await tf.setBackend('cpu');
      const onCpu = tf.tidy(compute).dataSync();
      await tf.setBackend('wasm');
      expect([...onWasm]).to.deep.equal([...onCpu]);
    });
  }

  for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    // Only equal batch shapes: tfjs-core's matMul gradient does not reduce broadcast batches, on any backend.
    for (const batch of [[], [3], [2, 2]]) {
      it(`BatchMatMul: batch [${batch}], transposeA ${transposeA}, transposeB ${transposeB}, and its gradients`, async () => {
        const aShape = [...batch, ...(transposeA ? [7, 5] : [5, 7])];
        const bShape = [...batch, ...(transposeB ? [4, 7] : [7, 4])];
        const error = await relativeError(() => {
          const a = tf.tensor(values(aShape, 900), aShape);
          const b = tf.tensor(values(bShape, 901), bShape);
          const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB).mul(tf.range(1, 5)).sum();
          const [da, db] = tf.grads(f)([a, b]);
          return tf.concat([tf.matMul(a, b, transposeA, transposeB).flatten(), da!.flatten(), db!.flatten()]);
        });
        expect(error).to.be.at.most(1e-4);
      });
    }
  }

  // Shapes that use every part of batched-matmul.c: 4-row tiles and a row left
  // over (m 9), 16-column tiles and columns left over (n 37), one matrix for
  // the whole batch on either side, a read transposed in place, and few rows
  // times a long matrix (a weight gradient's shape).
  for (const [aShape, bShape, transposeA] of [
    [[3, 9, 5], [3, 5, 37], false],
    [[2, 2, 9, 5], [2, 2, 5, 37], false],
    [[9, 5], [3, 5, 37], false],
    [[1, 9, 5], [3, 5, 37], false],
    [[3, 9, 5], [5, 37], false],
    [[3, 9, 5], [1, 5, 37], false],
    [[3, 5, 9], [3, 5, 37], true],
    [[300, 9], [300, 37], true],
    [[9, 300], [300, 37], false],
  ] as const) {
    it(`BatchMatMul on SIMD tiles: a [${aShape}]${transposeA ? ' transposed' : ''} times b [${bShape}], as on cpu`, async () => {
      const error = await relativeError(() =>
        tf.matMul(tf.tensor(values([...aShape], 910), [...aShape]), tf.tensor(values([...bShape], 911), [...bShape]), transposeA),
      );
      expect(error).to.be.at.most(1e-5);
    });
  }

  for (const [shape, axis, keepDims] of [
    [[50, 37], 0, false],
    [[4, 6, 32], [0, 1], true],
    [[3, 5, 2], [1, 0], false],
    [[7, 9], [-1], false],
    [[2, 3], null, false],
  ] as const) {
    it(`Sum of x [${shape}] over axis ${JSON.stringify(axis)}${keepDims ? ', dimensions kept' : ''}, and its gradient, as on cpu`, async () => {
      const error = await relativeError(() => {
        const x = tf.tensor(values([...shape], 920), [...shape]);
        const sum = x.sum(axis === null ? undefined : (axis as number | number[]), keepDims);
        const grad = tf.grad((input: tf.Tensor) => input.sum(axis === null ? undefined : (axis as number | number[])).square().sum())(x);
        return tf.concat([sum.flatten(), grad.flatten()]);
      });
      expect(error).to.be.at.most(1e-5);
    });
  }

  for (const [tableShape, idShape, axis, batchDims, dtype] of [
    [[50, 9], [2, 3], 0, 0, 'float32'],
    [[4, 6, 10], [3], 1, 0, 'float32'],
    [[3, 7, 12], [3, 4], 1, 1, 'float32'],
    [[20, 16], [5], 0, 0, 'int32'],
    [[6, 3], [4], 0, 0, 'float32'],
  ] as const) {
    it(`GatherV2 of a [${tableShape}] ${dtype} table, ids [${idShape}], axis ${axis}, batch dimensions ${batchDims}, as on cpu`, async () => {
      const ids = values([...idShape], 930).map((v) => Math.floor(((v + 1) / 2) * tableShape[axis]!));
      const error = await relativeError(() => {
        const table = tf.tensor(values([...tableShape], 931), [...tableShape]).mul(100).cast(dtype);
        return tf.gather(table, tf.tensor(ids, [...idShape], 'int32'), axis, batchDims).cast('float32');
      });
      expect(error).to.equal(0);
    });
  }

  it('GatherV2 of an output large enough to grow the heap (32 MB): the ids are still read', async () => {
    const error = await relativeError(() => {
      const table = tf.tensor(values([4, 1024], 940), [4, 1024]);
      const ids = tf.tensor1d(Array.from({ length: 8_192 }, (_, i) => (i * 7) % 4), 'int32');
      return tf.gather(table, ids).sum(1);
    });
    expect(error).to.be.at.most(1e-5);
  });

  it('GatherV2: an id out of range is refused in tfjs’s words, not read out of bounds', () => {
    const table = tf.ones([5, 9]);
    const ids = tf.tensor1d([1, 5], 'int32');
    expect(() => tf.gather(table, ids)).to.throw('GatherV2: the index value 5 is not in [0, 4]');
    tf.dispose([table, ids]);
  });

  it('batchNorm without scale or offset: its gradients (a TypeError in tfjs-core unfilled)', async () => {
    const error = await relativeError(() => {
      const x = tf.tensor(values([2, 3, 3, 4], 1000), [2, 3, 3, 4]);
      const [mean, variance, scale] = [tf.tensor1d(values([4], 1001)), tf.tensor1d(values([4], 1002)).abs(), tf.tensor1d(values([4], 1003))];
      const withoutBoth = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor) => tf.batchNorm(a, m, v).square().sum())([x, mean, variance]);
      const withoutOffset = tf.grads((a: tf.Tensor, s: tf.Tensor) => tf.batchNorm(a, mean, variance, undefined, s).square().sum())([x, scale]);
      return tf.concat([...withoutBoth, ...withoutOffset].map((t) => t.flatten()));
    });
    expect(error).to.be.at.most(1e-4);
  });

  it('UnsortedSegmentSum: the gradient of an embedding lookup, repeated ids summed', async () => {
    const error = await relativeError(() => {
      const table = tf.tensor(values([50, 7], 1), [50, 7]);
      const ids = tf.tensor2d([[3, 3, 49], [0, 3, 12]], [2, 3], 'int32');
      return tf.grad((t: tf.Tensor) => tf.gather(t, ids).mul(tf.range(1, 8)).sum())(table);
    });
    expect(error).to.be.at.most(1e-4);
  });

  it('UnsortedSegmentSum: refuses an out-of-range id instead of writing out of bounds', () => {
    const x = tf.ones([3, 2]);
    const ids = tf.tensor1d([0, 5, 1], 'int32');
    expect(() => tf.unsortedSegmentSum(x, ids, 3)).to.throw('segment ids must lie in [0, 3)');
    tf.dispose([x, ids]);
  });

  it('frees every intermediate: a training step leaves no tensor behind', () => {
    const x = tf.randomNormal([4, 12, 12, 3]) as tf.Tensor4D;
    const filter = tf.variable(tf.randomNormal([5, 5, 3, 6]));
    const table = tf.variable(tf.randomNormal([20, 4]));
    const bias = tf.variable(tf.randomNormal([6]));
    const ids = tf.tensor1d([1, 2, 2, 19], 'int32');
    const optimizer = tf.train.sgd(0.01);
    const step = () =>
      tf.tidy(() => {
        optimizer.minimize(() => tf.conv2d(x, filter as unknown as tf.Tensor4D, 2, 'same').add(bias).mean().add(tf.gather(table, ids).mean()) as tf.Scalar);
      });
    step();
    const before = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    const blocksBefore = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).to.equal(before);
    expect(tf.memory().numBytes).to.equal(bytesBefore);
    // Blocks of the wasm heap: shared data (Identity, Cast) is freed with its last tensor.
    expect(tf.backend().numDataIds()).to.equal(blocksBefore);
  });

  // A bias seen as long rows: LeNet's, a row count with no divisor that helps (a prime), a row
  // already long, the bias first, a bias with leading 1s, an int32 sum (wasm's own kernel).
  const biasCases: [number[], number[], 'float32' | 'int32'][] = [
    [[32, 24, 24, 6], [6], 'float32'],
    [[7, 6], [6], 'float32'],
    [[4, 1500], [1500], 'float32'],
    [[5], [3, 4, 5], 'float32'],
    [[2, 3, 8, 5], [1, 8, 5], 'float32'],
    [[6, 4], [4], 'int32'],
  ];
  for (const [aShape, bShape, dtype] of biasCases) {
    it(`Add of [${aShape}] and [${bShape}], ${dtype}: the cpu backend's bits`, async () => {
      const error = await relativeError(() => tf.add(tf.tensor(values(aShape, 11), aShape, dtype), tf.tensor(values(bShape, 12).map((v) => v * 100), bShape, dtype)));
      expect(error).to.equal(0);
    });
  }

  it('Identity and a Cast to the same dtype share the data, which lives until its last tensor is disposed', () => {
    const blocks = tf.backend().numDataIds();
    const x = tf.tensor2d([[1, -2], [3.5, 0]]);
    const clone = tf.clone(x);
    const copies = [clone, x.cast('float32'), clone.reshape([4])];
    expect(tf.backend().numDataIds()).to.equal(blocks + 1);
    const converted = x.cast('int32');
    expect(tf.backend().numDataIds()).to.equal(blocks + 2);
    x.dispose();
    for (const copy of copies) expect(Array.from(copy.dataSync())).to.deep.equal([1, -2, 3.5, 0]);
    expect(Array.from(converted.dataSync())).to.deep.equal([1, -2, 3, 0]);
    tf.dispose([...copies, converted]);
    expect(tf.backend().numDataIds()).to.equal(blocks);
  });
});

describeOnWasm('training end to end: wasm and cpu give the same loss curve', () => {
  // Each layer type the course's lessons use.
  function imageModel() {
    return tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.averagePooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 16, activation: 'relu' }),
        tf.layers.layerNormalization(),
        tf.layers.dropout({ rate: 0.2 }),
        tf.layers.dense({ units: 3 }),
      ],
    });
  }
  function textModel() {
    return tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 6 }),
        tf.layers.layerNormalization(),
        tf.layers.globalAveragePooling1d(),
        tf.layers.dense({ units: 3 }),
      ],
    });
  }

  function separableModel() {
    return tf.sequential({
      layers: [
        tf.layers.separableConv2d({ inputShape: [10, 10, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2 }),
        tf.layers.batchNormalization({ axis: -1, momentum: 0.9 }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
  }

  async function curve(build: () => tf.Sequential, inputs: () => tf.Tensor): Promise<number[]> {
    seedEverything(7);
    const model = build();
    const x = inputs();
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1], 'int32'), 3);
    const optimizer = tf.train.momentum(0.05, 0.9);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
        true,
      )!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    tf.dispose([x, labels]);
    model.dispose();
    optimizer.dispose();
    return losses;
  }

  async function compare(build: () => tf.Sequential, inputs: () => tf.Tensor) {
    const onWasm = await curve(build, inputs);
    await tf.setBackend('cpu');
    const onCpu = await curve(build, inputs);
    await tf.setBackend('wasm');
    const gap = Math.max(...onWasm.map((loss, i) => Math.abs(loss - onCpu[i]!)));
    expect(gap, `wasm ${onWasm.map((l) => l.toFixed(4))}\ncpu  ${onCpu.map((l) => l.toFixed(4))}`).to.be.at.most(1e-3);
    expect(onWasm.at(-1)!).to.be.lessThan(onWasm[0]!);
  }

  it('conv2d, pooling, dense, layer norm and dropout', async () => {
    await compare(imageModel, () => tf.tensor(values([8, 10, 10, 1], 3), [8, 10, 10, 1]));
  });

  it('separable and depthwise conv2d, batch norm, pooling', async () => {
    await compare(separableModel, () => tf.tensor(values([8, 10, 10, 2], 5), [8, 10, 10, 2]));
  });

  it('sigmoid cross entropy, where, logSumExp and transposed matMuls', async () => {
    const losses = async () => {
      seedEverything(9);
      const w = tf.variable(tf.randomNormal([6, 4]));
      const x = tf.tensor(values([8, 6], 6), [8, 6]);
      const labels = tf.tensor(values([8, 4], 7).map((v) => (v > 0 ? 1 : 0)), [8, 4]);
      const optimizer = tf.train.adam(0.05);
      const curve: number[] = [];
      for (let step = 0; step < 20; step++) {
        const loss = optimizer.minimize(() => {
          const logits = tf.matMul(x, w);
          const gram = tf.matMul(logits, logits, true, false).mul(0.01);
          const gated = tf.where(tf.greater(x.slice([0, 0], [8, 4]), 0), logits, logits.mul(0.5));
          const lse = tf.logSumExp(gated, 1).mean().mul(0.1);
          return tf.losses.sigmoidCrossEntropy(labels, gated).add(lse).add(tf.matMul(gram, w, false, true).square().mean().mul(0.01)) as tf.Scalar;
        }, true)!;
        curve.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      tf.dispose([w, x, labels]);
      optimizer.dispose();
      return curve;
    };
    const onWasm = await losses();
    await tf.setBackend('cpu');
    const onCpu = await losses();
    await tf.setBackend('wasm');
    expect(Math.max(...onWasm.map((loss, i) => Math.abs(loss - onCpu[i]!)))).to.be.at.most(1e-3);
    expect(onWasm.at(-1)!).to.be.lessThan(onWasm[0]!);
  });

  it('embedding, layer norm, pooling and dense', async () => {
    await compare(textModel, () => tf.tensor2d(values([8, 6], 4).map((v) => Math.floor((v + 1) * 14.9)), [8, 6], 'int32'));
  });
});
