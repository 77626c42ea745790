// tfjs's engine (`tf.engine()`) and its backends (`tf.backend()`) are plain
// objects whose methods every op, every gradient and every read of a tensor
// goes through, the grader's own included: a student's
// `tf.engine().gradients = ...` would change what the grader's tf.grad
// computes, and `tf.backend().readSync = ...` what it reads from any tensor.
// lockdown() does not reach them (they are tfjs's objects, not JavaScript's),
// so their methods are pinned here. Their state (counters, the tape, data
// buffers) must stay writable for tfjs to work, so is not frozen; what would
// swap a whole backend or engine state is refused.

type Engine = Record<string | symbol, unknown> & {
  registry: Record<string, object>;
  registryFactory: Record<string, unknown>;
  backendInstance: object | null;
  backendName: string | null;
  profiler: object;
  state: object;
  ENV: object;
};

export function hardenEngine(): void {
  const engine = (globalThis as { _tfengine?: Engine })._tfengine;
  if (!engine) return;
  for (const backend of Object.values(engine.registry)) hardenBackend(backend);
  pinMembers(engine);
  pinMembers(engine.ENV);
  // Neither a backend nor a factory of a name in use may be replaced (a
  // backend student code registered under a new name has no kernels).
  for (const table of [engine.registry, engine.registryFactory]) {
    for (const name of Object.keys(table)) Object.defineProperty(table, name, { writable: false, configurable: false });
  }
  for (const name of ['registry', 'registryFactory', 'state', 'ENV']) {
    Object.defineProperty(engine, name, { writable: false, configurable: false });
  }
  guardBackendSwitch(engine);
}

/** tf.setBackend() stays possible, but only to a backend tfjs made; the profiler is the engine's own. */
function guardBackendSwitch(engine: Engine): void {
  const backends = () => Object.values(engine.registry);
  let instance = engine.backendInstance;
  let name = engine.backendName;
  Object.defineProperty(engine, 'backendInstance', {
    get: () => instance,
    set: (value: object | null) => {
      if (value !== null && !backends().includes(value)) throw new TypeError("tfjs's backend cannot be replaced while grading");
      instance = value;
    },
    configurable: false,
  });
  Object.defineProperty(engine, 'backendName', {
    get: () => name,
    set: (value: string | null) => {
      if (value !== null && !(value in engine.registryFactory)) throw new TypeError("tfjs's backend cannot be replaced while grading");
      name = value;
    },
    configurable: false,
  });
  // In debug mode every kernel runs through the profiler: one the student
  // wrote could hand back other outputs. tfjs makes a new one when the
  // backend changes; the getter makes it instead, and writes are ignored.
  const Profiler = engine.profiler.constructor as new (backend: object) => object;
  const profilers = new Map<object | null, object>([[instance, engine.profiler]]);
  Object.freeze(engine.profiler);
  Object.defineProperty(engine, 'profiler', {
    get: () => {
      if (!profilers.has(instance)) profilers.set(instance, Object.freeze(new Profiler(instance!)));
      return profilers.get(instance);
    },
    set: () => {},
    configurable: false,
  });
}

function hardenBackend(backend: object): void {
  pinMembers(backend);
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(backend))) {
    // Counters stay writable; the objects the backend keeps (its data
    // storage, its WebAssembly module) may not be swapped.
    if (!('value' in descriptor) || typeof descriptor.value !== 'object' || descriptor.value === null || !descriptor.configurable) continue;
    // A class's instance (the data storage) has its methods pinned. The
    // WebAssembly module, a plain object, is not: Emscripten replaces its
    // functions on their first call.
    if (Object.getPrototypeOf(descriptor.value) !== Object.prototype) pinMembers(descriptor.value);
    Object.defineProperty(backend, name, { writable: false, configurable: false });
  }
}

/**
 * Every method and accessor `target` has, its own or inherited, becomes a
 * property of its own that cannot be written or redefined, and its classes'
 * prototypes are frozen: assigning to `target.method` then throws, and
 * Object.defineProperty or a new prototype cannot shadow it.
 */
function pinMembers(target: object): void {
  const seen = new Set<string | symbol>();
  for (let proto: object | null = target; proto && proto !== Object.prototype && proto !== Function.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const [key, descriptor] of ownDescriptors(proto)) {
      if (seen.has(key) || key === 'constructor') continue;
      seen.add(key);
      const method = 'value' in descriptor ? typeof descriptor.value === 'function' : true;
      if (!method) continue;
      const own = Object.getOwnPropertyDescriptor(target, key);
      if (own && !own.configurable) continue;
      Object.defineProperty(target, key, { ...descriptor, ...('value' in descriptor ? { writable: false } : {}), configurable: false });
    }
    if (proto !== target) Object.freeze(proto);
  }
}

function ownDescriptors(target: object): [string | symbol, PropertyDescriptor][] {
  return Reflect.ownKeys(target).map((key) => [key, Object.getOwnPropertyDescriptor(target, key)!]);
}
