// The sandbox's TypeScript loader: student, lib/ and grader files are turned
// into JavaScript in this process by TypeScript's own transpileModule. tsx is
// not used in the sandbox because it hands each file to esbuild's service, a
// child process, and the sandbox may not start processes. Plain JavaScript
// because it must load before any TypeScript can.
import module from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const ts = module.createRequire(import.meta.url)('typescript');

const options = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  // Stack traces name the lines of the student's own file.
  inlineSourceMap: true,
  inlineSources: false,
};

/** A load hook that works both in-thread (synchronous) and off-thread (asynchronous). */
export function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.[cm]?ts$/.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { fileName: file, compilerOptions: options });
  return { format: 'module', source: outputText, shortCircuit: true };
}

// Node 22.15 and later run hooks in this thread; Node 20 only in a worker
// thread of their own, which is why the sandbox there must allow workers.
if (typeof module.registerHooks === 'function') module.registerHooks({ load });
else if (isMainThread) module.register(import.meta.url, import.meta.url);
