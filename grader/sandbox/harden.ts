// Makes what the checks rely on unchangeable before student code loads:
// JavaScript's own objects (Array, Object, JSON, Math, Function, Promise and
// the rest) by Hardened JavaScript's lockdown() from the `ses` package, the
// tfjs namespace objects by freezing, and the process methods that reach
// other processes by replacing them. A student file that then assigns to one
// of them gets a TypeError that says the object is frozen or not writable.
import type {} from 'ses'; // lockdown()'s declaration; erased in JavaScript.
import { createHmac } from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { hardenEngine } from './harden-engine.ts';

const require = createRequire(import.meta.url);
// ses's CommonJS build, one bundled file: its ES modules (some 40 files) cost
// each sandbox 0.15 s more CPU to start on Node 20, whose loader hooks see
// every module file. The same lockdown() either way.
require('ses');

/** Every tfjs package: `tf`'s own exports are getters that read these packages' exports. */
const TFJS_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-data',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
];

export function hardenSandbox(): void {
  for (const name of TFJS_PACKAGES) {
    const loaded = loadedPackage(name);
    if (loaded) freezeTfjs(loaded);
  }
  freezeKernelRegistries();
  hardenEngine();
  freezeHmac();
  guardProcess();
  guardWorkers();
  guardModuleHooks();
  lockdown({
    // Keep V8's stacks: the grader points at the student's line with them.
    errorTaming: 'unsafe',
    stackFiltering: 'verbose',
    // Node's console, error and rejection handling stay Node's: the sandbox
    // installs its own handlers.
    consoleTaming: 'unsafe',
    errorTrapping: 'none',
    unhandledRejectionTrapping: 'none',
    // tfjs and the course assign `toString`, `name` and the like on their own objects.
    overrideTaming: 'severe',
    // Node's domain module is unused; 'safe' would refuse to lock down if anything loaded it.
    domainTaming: 'unsafe',
    localeTaming: 'unsafe',
  });
  // After lockdown(), which puts tamed versions of some globals in place.
  freezeGlobals();
}

/** A package's exports if it is already loaded (an optional one may be missing). */
function loadedPackage(name: string): Record<string, unknown> | undefined {
  try {
    const file = require.resolve(name);
    return require.cache[file] ? (require(file) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function freezeTfjs(tf: Record<string, unknown>): void {
  Object.freeze(tf);
  for (const value of Object.values(tf)) {
    if (!value) continue;
    const proto = Object.getPrototypeOf(value);
    // Namespaces (tf.losses, tf.train, tf.layers, ...) are plain objects; tf.ENV and the like hold state.
    if (typeof value === 'object' && (proto === Object.prototype || proto === null)) freezeNamespace(value);
    // Classes (tf.Tensor, tf.LayersModel, the optimizers): their methods, not their instances.
    if (typeof value === 'function' && value.prototype && value.prototype !== Function.prototype) Object.freeze(value.prototype);
  }
}

/**
 * tfjs looks kernels and gradients up in two Maps it keeps on a global; a
 * student's tf.registerKernel('Softmax', ...) would change the grader's own
 * maths. Every kernel is registered by the time the backend is ready.
 */
function freezeKernelRegistries(): void {
  const globals = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals;
  for (const name of ['kernelRegistry', 'gradRegistry']) {
    const registry = globals?.get(name);
    if (!(registry instanceof Map)) continue;
    for (const method of ['set', 'delete', 'clear']) {
      Object.defineProperty(registry, method, {
        value: () => {
          throw new TypeError(`tfjs's ${name} cannot change while grading: the grader's checks use the same kernels`);
        },
      });
    }
    Object.freeze(registry);
  }
  // Nor may the registries themselves be swapped for others.
  if (globals instanceof Map) {
    const set = Map.prototype.set;
    Object.defineProperty(globals, 'set', {
      value: (key: string, value: unknown) => {
        if (globals.has(key)) throw new TypeError(`tfjs's global ${key} cannot change while grading`);
        return set.call(globals, key, value);
      },
    });
  }
}

/**
 * The worker signs its messages with Node's HMAC, whose native handle is
 * reachable from any HMAC object: a student who replaced the handle's
 * `init` would be handed the key of the next message signed, and could
 * then sign forged results. Its classes' prototypes are frozen instead.
 */
function freezeHmac(): void {
  const sample = createHmac('sha256', 'sample') as unknown as Record<symbol, unknown>;
  const objects = [sample, ...Object.getOwnPropertySymbols(sample).map((key) => sample[key])];
  for (const object of objects) {
    if (typeof object !== 'object' || object === null) continue;
    for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      // Node's stream classes, which Hmac extends, stay as they are: other code shares them, and they never see the key.
      if (proto === Object.getPrototypeOf(Object.getPrototypeOf(sample))) break;
      Object.freeze(proto);
    }
  }
}

function freezeNamespace(namespace: object): void {
  Object.freeze(namespace);
  for (const value of Object.values(namespace)) {
    if (typeof value === 'function' && value.prototype) Object.freeze(value.prototype);
  }
}

/**
 * A worker thread has a `process` of its own, whose kill() is not guarded.
 * Node 20 must allow workers for the TypeScript loader's hooks thread, which
 * is running by now; tfjs's threaded WebAssembly build needs them
 * (TFJS_WASM_THREADS above 1), and keeps them.
 */
function guardWorkers(): void {
  if (Number(process.env.TFJS_WASM_THREADS || 1) > 1) return;
  const workerThreads = require('node:worker_threads') as Record<string, unknown>;
  workerThreads.Worker = class {
    constructor() {
      throw new TypeError('worker threads are not available while grading');
    }
  };
  // `import { Worker } from 'node:worker_threads'` reads the exports as they were at the first import.
  syncBuiltinESMExports();
  Object.freeze(workerThreads);
}

/**
 * module.register() runs a loader's hooks in a thread of their own, whose
 * process.kill is not guarded (on Node 20 the sandbox may start threads, for
 * its own loader, and as the grader's user that thread could end the
 * grader); module.registerHooks() would let student code rewrite the modules
 * loaded after it. The sandbox's own loader is registered by now, through
 * --import (typescript-loader.mjs).
 */
function guardModuleHooks(): void {
  const nodeModule = require('node:module') as Record<string, unknown>;
  for (const name of ['register', 'registerHooks']) {
    if (typeof nodeModule[name] !== 'function') continue;
    Object.defineProperty(nodeModule, name, {
      value: () => {
        throw new TypeError(`module.${name} is not available while grading`);
      },
      writable: false,
      configurable: false,
    });
  }
  // `import { register } from 'node:module'` reads the exports as they were at the first import.
  syncBuiltinESMExports();
}

/**
 * lockdown() freezes the intrinsics but leaves this realm's global bindings
 * writable: `globalThis.JSON = ...` would swap what the checks call. Every
 * global that exists now keeps its value; new ones may still be added.
 */
function freezeGlobals(): void {
  for (const name of Reflect.ownKeys(globalThis)) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name)!;
    // Node's lazily created globals (crypto, navigator, ...) are accessors: left as they are.
    if (!('value' in descriptor) || !descriptor.configurable) continue;
    Object.defineProperty(globalThis, name, { ...descriptor, writable: false, configurable: false });
  }
}

/**
 * Signals to other processes: `process.kill(process.ppid)` would end the
 * grader (when it runs as the same user), and `process._debugProcess(pid)`
 * would open an inspector in it.
 */
function guardProcess(): void {
  const kill = process.kill.bind(process);
  const refuse = (what: string) => () => {
    throw new TypeError(`${what} is not available while grading`);
  };
  const replacements: Record<string, unknown> = {
    kill: (pid: number, signal?: string | number) => {
      if (pid !== process.pid) throw new TypeError('process.kill may only signal the lesson\'s own process while grading');
      return kill(pid, signal);
    },
    _kill: refuse('process._kill'),
    _debugProcess: refuse('process._debugProcess'),
    _debugEnd: refuse('process._debugEnd'),
  };
  for (const [name, value] of Object.entries(replacements)) {
    Object.defineProperty(process, name, { value, writable: false, configurable: false, enumerable: false });
  }
  for (const name of ['send', '_send', 'channel', 'on', 'once', 'emit']) {
    const descriptor = Object.getOwnPropertyDescriptor(process, name);
    if (descriptor?.configurable) Object.defineProperty(process, name, { ...descriptor, ...('value' in descriptor ? { writable: false } : {}), configurable: false });
  }
}
