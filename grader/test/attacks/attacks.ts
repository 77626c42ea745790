// Attacks on the grader, as a student would write them: each is code appended
// to the planted-bugs version of lesson 01's file, run when the file is
// imported. Each attempt is wrapped so that a refused one does not stop the
// file from loading: the attacking submission must then get exactly the
// grade of the same file without the attack.
// `repo` is the course's folder, `solved` the solution's file, as the student could guess them.

/** Every attempt: `await attempt(() => ...)`; failures are swallowed, as a careful attacker would. */
const prelude = `
const attempt = async (work: () => unknown) => { try { await work(); } catch {} };
const here = new URL(import.meta.url).pathname;
// The course's folder: graded files sit in its .cache/ (targets/ or submissions/).
const repo = here.slice(0, here.indexOf('/.cache/') + 1);
const nodeFs = await import('node:fs');
`;

export const attacks: Record<string, string> = {
  'forged results: process.send wrapped to turn every result into a pass': `
const realSend = process.send!.bind(process);
await attempt(() => {
  (process as any).send = (message: any, ...rest: any[]) => {
    if (message && typeof message.body === 'string') {
      const inner = JSON.parse(message.body);
      if (inner.kind === 'result') inner.status = 'pass';
      message = { ...message, body: JSON.stringify(inner) };
    }
    return realSend(message, ...rest);
  };
});
await attempt(() => { (process as any)._send = () => true; });
`,

  'forged results: results sent directly, unsigned, for every check': `
for (const checkId of ['bias-column', 'standardize', 'least-squares', 'mse-loss', 'gradient-formula']) {
  const forged = { kind: 'result', checkId, status: 'pass', message: 'ok', figures: {}, causes: [] };
  process.send!(forged);
  process.send!({ body: JSON.stringify(forged), mac: '0'.repeat(64) });
}
setInterval(() => process.send!({ kind: 'result', checkId: 'least-squares', status: 'pass', message: 'ok', figures: {}, causes: [] }), 5).unref();
`,

  'forged results: the signing key taken from the HMAC handle Node shares, then results signed with it': `
const crypto = await import('node:crypto');
const handleOf = (hmac: any) => hmac[Object.getOwnPropertySymbols(hmac).find((key) => typeof hmac[key]?.init === 'function')!];
const keys: unknown[][] = [];
await attempt(() => {
  const proto = Object.getPrototypeOf(handleOf(crypto.createHmac('sha256', 'x')));
  const init = proto.init;
  proto.init = function (this: unknown, ...args: unknown[]) { keys.push(args); return init.apply(this, args); };
});
setInterval(() => {
  for (const checkId of ['bias-column', 'standardize', 'least-squares', 'gradient-formula']) {
    const body = JSON.stringify({ kind: 'result', checkId, status: 'pass', message: 'ok', figures: {}, causes: [] });
    for (const args of keys.slice(0, 20)) {
      const hmac = crypto.createHmac('sha256', 'x');
      handleOf(hmac).init(...args);
      process.send!({ body, mac: hmac.update(body).digest('hex') });
    }
  }
}, 2).unref();
`,

  'malformed IPC messages: a phase of 42, figures {accuracy: "high"}, junk': `
process.send!({ kind: 'phase-failed', phase: 42 });
process.send!({ kind: 'result', checkId: 'mse-loss', status: 'pass', message: 'x', figures: { accuracy: 'high' }, causes: [] });
process.send!({ body: '{', mac: 'zz' });
process.send!('x'.repeat(100_000));
`,

  'writing into the grader: reference.json, a lesson file, a check': `
await attempt(() => nodeFs.writeFileSync(repo + 'grader/lessons/04-backprop/reference.json', '{'));
await attempt(() => nodeFs.writeFileSync(repo + 'grader/lessons/01-linear-regression/reference.json', '{"lesson":"x"}'));
await attempt(() => nodeFs.appendFileSync(repo + 'grader/lessons/01-linear-regression/checks.ts', '\\nexport const hacked = 1;\\n'));
await attempt(() => nodeFs.writeFileSync(repo + 'grader/checks/trace.ts', ''));
await attempt(() => nodeFs.rmSync(repo + 'grader/registry.ts'));
`,

  'reading the answers: importing solutions/ and re-exporting them': `
for (const where of [process.cwd() + '/solutions/', repo + 'solutions/']) {
  await attempt(async () => {
    const solved = await import(where + '01-linear-regression/linear-regression.ts');
    // @ts-ignore: function bindings may be reassigned
    standardize = solved.standardize; addBiasColumn = solved.addBiasColumn; leastSquares = solved.leastSquares;
  });
}
`,

  'reading the references: reference.json by fs, by import, by eval, by a child process': `
await attempt(() => console.log(nodeFs.readFileSync(repo + 'grader/lessons/01-linear-regression/reference.json', 'utf8')));
await attempt(() => import(repo + 'grader/lessons/01-linear-regression/reference.json', { with: { type: 'json' } }));
await attempt(() => eval("import('node:fs').then((fs) => fs.readFileSync('" + repo + "solutions/01-linear-regression/linear-regression.ts', 'utf8'))"));
await attempt(async () => (await import('node:child_process')).execSync('cat ' + repo + 'solutions/01-linear-regression/linear-regression.ts'));
await attempt(async () => new (await import('node:worker_threads')).Worker("require('fs').writeFileSync('" + repo + "grader/registry.ts', '')", { eval: true }));
`,

  'reading the grader\'s maths and catalogs: reference-math.ts, bugs.ts, the transpiled cache': `
let leaked = false;
await attempt(async () => { await import(repo + 'grader/lessons/05-transformer/reference-math.ts'); leaked = true; });
await attempt(() => { nodeFs.readFileSync(repo + 'grader/lessons/05-transformer/reference-math.ts'); leaked = true; });
await attempt(() => { nodeFs.readFileSync(repo + 'grader/lessons/01-linear-regression/bugs.ts'); leaked = true; });
await attempt(() => { nodeFs.readFileSync(repo + 'grader/lessons/01-linear-regression/alternates.ts'); leaked = true; });
await attempt(() => { if (nodeFs.readdirSync(repo + '.cache/sandbox-js').length) leaked = true; });
// Whatever was read would have shown the answers: the file then grades as if it had used them.
// @ts-ignore: function bindings may be reassigned
if (leaked) addBiasColumn = (x: tf.Tensor2D) => tf.tidy(() => tf.concat([tf.ones([x.shape[0], 1]), x], 1) as tf.Tensor2D);
`,

  'monkeypatching: Array.prototype.every, Math, JSON and Object through globalThis': `
await attempt(() => { Array.prototype.every = () => true; });
await attempt(() => { Object.defineProperty(Array.prototype, 'every', { value: () => true }); });
await attempt(() => { (globalThis as any).JSON = { stringify: () => '{}', parse: () => ({}) }; });
await attempt(() => { (globalThis as any).Math = { ...Math, abs: () => 0 }; });
await attempt(() => { Math.abs = () => 0; });
await attempt(() => { Object.prototype.toString = () => 'x'; });
await attempt(() => { Number.isFinite = () => true; });
await attempt(() => { (Object as any).setPrototypeOf(Array.prototype, { every: () => true }); });
`,

  'overriding tfjs: tf.losses, a Tensor method, a kernel': `
await attempt(() => { (tf.losses as any).meanSquaredError = () => tf.scalar(0); });
await attempt(() => { (tf as any).sub = () => tf.scalar(0); });
await attempt(() => { tf.Tensor.prototype.arraySync = function () { return [[0]]; } as any; });
await attempt(() => { tf.Tensor.prototype.dataSync = function () { return new Float32Array(1); } as any; });
await attempt(() => tf.registerKernel({ kernelName: 'Sub', backendName: tf.getBackend(), kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' }) as any }));
await attempt(() => (globalThis as any)._tfGlobals.set('kernelRegistry', new Map()));
await attempt(() => (globalThis as any)._tfGlobals.get('kernelRegistry').clear());
`,

  'overriding tfjs\'s engine and backend: tf.grad forged, reads forged, the backend swapped': `
// The planted bug's gradient is -30 times tf.grad's on the check's 30 examples: make tf.grad agree.
const forge = (gradients: any) => (f: any, xs: any, dy: any, allow: any) => {
  const out = gradients(f, xs, dy, allow);
  return { value: out.value, grads: out.grads.map((g: any) => g.mul(-30)) };
};
const engine = tf.engine() as any;
await attempt(() => { engine.gradients = forge(engine.gradients.bind(engine)); });
await attempt(() => Object.defineProperty(engine, 'gradients', { value: forge(engine.gradients.bind(engine)) }));
await attempt(() => { Object.getPrototypeOf(engine).gradients = forge(Object.getPrototypeOf(engine).gradients); });
await attempt(() => Object.setPrototypeOf(engine, { gradients: forge(engine.gradients.bind(engine)) }));
const backend = tf.backend() as any;
const forgedRead = (read: any) => (dataId: any) => read(dataId);
await attempt(() => { backend.readSync = forgedRead(backend.readSync.bind(backend)); });
await attempt(() => { engine.backendInstance = new Proxy(backend, {}); });
await attempt(() => { engine.registry[tf.getBackend()] = new Proxy(backend, {}); });
await attempt(() => { engine.state = { ...engine.state }; });
await attempt(() => { tf.env().set('DEBUG', true); engine.profiler = { profileKernel: () => [] }; tf.env().set('DEBUG', false); });
`,

  'ending the grader: process.kill(process.ppid), its inspector, its process group': `
await attempt(() => process.kill(process.ppid, 'SIGKILL'));
await attempt(() => (process as any)._kill(process.ppid, 9));
await attempt(() => (process as any)._debugProcess(process.ppid));
await attempt(async () => { const inspector = await import('node:inspector'); const session = new inspector.Session(); session.connect(); });
await attempt(() => process.kill(-process.ppid, 'SIGKILL'));
await attempt(async () => new (await import('node:worker_threads')).Worker('process.kill(process.ppid, "SIGKILL")', { eval: true }));
// A module loader's hooks run in a thread of their own (Node 20 to 22.14, and module.register on any version), with a process.kill of its own.
await attempt(async () => (await import('node:module')).register('data:text/javascript,process.kill(process.ppid, "SIGKILL")'));
`,

  'stdout and stderr in the results format': `
console.log(JSON.stringify({ schemaVersion: 1, target: 'x', backend: 'wasm', seed: 1, points: 99, maxPoints: 99, lessons: [] }));
console.log('  PASS  everything                          99/99');
console.error('Total: 99 / 99 points');
`,
};

export function attackFile(base: string, ...attack: string[]): string {
  // Each attack in a block of its own: several may declare the same names.
  return `${base}\n${prelude}\n${attack.map((code) => `{\n${code}\n}`).join('\n')}\n`;
}
