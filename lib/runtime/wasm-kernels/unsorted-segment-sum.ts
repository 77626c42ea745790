// UnsortedSegmentSum, the gradient of tf.gather (an embedding lookup), which
// the wasm backend lacks: wasm's ScatterNd adds up rows that land on the same
// index, which is exactly a segment sum.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose } from './compose.ts';

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const rows = tfjs.util.sizeFromShape(segmentIds.shape);
    // TensorFlow drops rows whose id is out of range; ScatterNd would write out of bounds,
    // so the ids (one int per row, not per value) are checked on the host first.
    const ids = (backend as tf.KernelBackend).readSync(segmentIds.dataId) as Int32Array;
    if (ids.some((id) => id < 0 || id >= numSegments)) {
      throw new Error(`UnsortedSegmentSum on wasm: segment ids must lie in [0, ${numSegments})`);
    }
    const k = compose(backend as tf.KernelBackend);
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const indices = k.run('Cast', { x: k.view(segmentIds, [rows, 1]) }, { dtype: 'int32' });
    const updates = k.view(x, [rows, ...rowShape]);
    return k.finish(k.run('ScatterNd', { indices, updates }, { shape: [numSegments, ...rowShape] }));
  },
};
