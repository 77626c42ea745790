// tfjs's threaded WebAssembly build (XNNPACK on a pool of threads) in Node.js.
// tfjs itself never runs it in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag is
// false there, and its init() gives emscripten the thread script as a Blob URL,
// which Node's worker_threads cannot load. So this file starts the same
// emscripten build the way tfjs's init() does, but with files Node can load
// (the thread script is pthread-worker.cjs), and registers it as 'wasm'.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import type * as Wasm from '@tensorflow/tfjs-backend-wasm';
import { requirePackage, tfjs } from '../tfjs.ts';

const require = createRequire(import.meta.url);
const build = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const threadScript = fileURLToPath(new URL('./pthread-worker.cjs', import.meta.url));
// Loaded when used: until then the backend may be another.
const wasmPackage = () => requirePackage<typeof Wasm>('@tensorflow/tfjs-backend-wasm');

/**
 * A thread without this process's Node flags: workers inherit them, and the
 * thread script needs none, while some break it (--input-type) or slow its
 * start (tsx's loader, in each of the 8 threads emscripten starts).
 */
class ThreadWorker extends Worker {
  constructor(file: string) {
    super(file, { execArgv: [] });
  }
}

/** tfjs's own priority for 'wasm' (tfjs-backend-wasm/src/base.ts). */
const WASM_PRIORITY = 2;

/** The parts of the emscripten module this file and BackendWasm use. */
interface EmscriptenModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: Worker[] };
  tfjs?: Record<string, unknown>;
}
type Factory = (config: object) => Promise<EmscriptenModule>;
// The global WebAssembly, which the project's type libraries (ES2023, Node) do not declare.
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>;
}
const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

async function start(threads: number): Promise<Wasm.BackendWasm> {
  const { BackendWasm, setThreadsCount } = wasmPackage();
  const factory = require(build) as Factory;
  // emscripten has no way to report a failed instantiateWasm: it would wait forever.
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const starting = factory({
    locateFile(file: string, prefix: string) {
      if (!file.endsWith('.worker.js')) return prefix + file;
      // emscripten's next step is `new Worker(this file)`, with the global Worker it set.
      (globalThis as { Worker?: unknown }).Worker = ThreadWorker;
      return threadScript;
    },
    // Each thread loads the build from this file (tfjs passes a Blob).
    mainScriptUrlOrBlob: build,
    instantiateWasm(imports: { env: Record<string, unknown> }, receive: (instance: object, module: object) => void) {
      // The build uses half the logical cores (it assumes hyperthreading) and
      // at most that many threads, whatever is asked: on 2 cores, 1 thread.
      // So it is told of twice the cores asked for.
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      webAssembly.instantiate(readFileSync(build.replace(/\.js$/, '.wasm')), imports).then((result) => receive(result.instance, result.module), fail);
      return {};
    },
  });
  const module = await Promise.race([starting, failed]);
  const call = (name: string, returns: string | null, args: string[] = []) => module.cwrap(name, returns, args);
  // As tfjs's init() wraps them (tfjs-backend-wasm/src/backend_wasm.ts).
  module.tfjs = {
    init: call('init', null),
    initWithThreadsCount: call('init_with_threads_count', null, ['number']),
    getThreadsCount: call('get_threads_count', 'number'),
    registerTensor: call('register_tensor', null, ['number', 'number', 'number']),
    disposeData: call('dispose_data', null, ['number']),
    dispose: call('dispose', null),
  };
  setThreadsCount(threads);
  const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  // XNNPACK's threads wait for work forever: they must not keep the process alive.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  return backend;
}

/** Makes 'wasm' the threaded build with `threads` threads (the caller's included); before the backend is first used. */
export function useThreadedWasm(threads: number): void {
  tfjs.removeBackend('wasm');
  tfjs.registerBackend('wasm', () => start(threads), WASM_PRIORITY);
}

/** The threads XNNPACK actually got, once the backend is initialised. */
export const wasmThreads = (): number => wasmPackage().getThreadsCount();
