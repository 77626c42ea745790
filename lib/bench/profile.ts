// Where one training step's time goes, by kernel: the backend's own timer,
// so only what kernels cost; the rest of a step is tfjs's bookkeeping.
import { tf } from '#lib/tf.ts';

export async function kernelProfile(step: () => tf.TensorContainer, stepMs: number, shown = 12): Promise<void> {
  const profile = await tf.profile(step);
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const kernel of profile.kernels) {
    const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(kernel.kernelTimeMs) || 0;
    entry.calls++;
    byKernel.set(kernel.name, entry);
  }
  const kernelMs = [...byKernel.values()].reduce((sum, { ms }) => sum + ms, 0);
  console.log(`one profiled step: ${kernelMs.toFixed(1)} ms in ${profile.kernels.length} kernel calls; the rest of a step (${Math.max(0, stepMs - kernelMs).toFixed(1)} ms) is outside kernels`);
  for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, shown)) {
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(2).padStart(7)} ms  ${String(calls).padStart(4)} calls`);
  }
}
