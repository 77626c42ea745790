// GatherV2 (tf.gather, and every embedding lookup), re-registered for speed:
// wasm's kernel copies element by element, 2.5 to 5 ms for the 2,048 rows of
// one lesson-5 batch. Here each gathered slice is one block copy. Slices of a
// few elements (a gather along the last axis) stay with wasm's own kernel.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import type { WasmBackend } from './compose.ts';

/** Below this many elements per slice, a block copy saves nothing. */
const MIN_SLICE = 8;

export function gatherV2Config(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'GatherV2',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
      const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
      const backend = args.backend as WasmBackend;
      const parsedAxis = tfjs.util.parseAxisParam(axis, x.shape)[0]!;
      const info = tfjs.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, parsedAxis, batchDims);
      const dimSize = x.shape[parsedAxis]!;
      const outOfRange = (id: number) => !(id >= 0 && id < dimSize);
      // An index out of range: wasm's own kernel says so, in tfjs's words.
      if (info.sliceSize < MIN_SLICE || tfjs.util.sizeFromShape(x.shape) === 0 || backend.typedArrayFromHeap(indices).some(outOfRange)) {
        return original.kernelFunc(args);
      }
      const out = backend.makeOutput(info.outputShape, x.dtype);
      // Views of the heap taken after the output is made: making it may grow
      // the heap, and views taken before would then see nothing.
      const [from, to, ids] = [backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), backend.typedArrayFromHeap(indices)];
      const perBatch = ids.length / info.batchSize;
      let at = 0;
      for (let b = 0; b < info.batchSize; b++) {
        for (let o = 0; o < info.outerSize; o++) {
          const base = (b * info.outerSize + o) * info.dimSize;
          for (let i = 0; i < perBatch; i++, at += info.sliceSize) {
            const start = (base + ids[b * perBatch + i]!) * info.sliceSize;
            to.set(from.subarray(start, start + info.sliceSize), at);
          }
        }
      }
      return out;
    },
  };
}
