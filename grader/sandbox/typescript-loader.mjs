// The sandbox's TypeScript loader: student, lib/ and grader files are turned
// into JavaScript by TypeScript's own transpileModule. tsx is not used in the
// sandbox because it hands each file to esbuild's service, a child process,
// and the sandbox may not start processes. Loading TypeScript itself costs
// over a second, so the grader transpiles the files a sandbox will load
// beforehand (prepare()) into a cache the sandbox can read but not write,
// named by a hash of each file's path and content. Plain JavaScript because
// it must load before any TypeScript can.
import module from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const require = module.createRequire(import.meta.url);
let typescript;

/** Set by the grader for the sandbox: where prepare() put the transpiled files. */
const CACHE_ENV = 'SANDBOX_JS_CACHE';

function transpile(file, source) {
  typescript ??= require('typescript');
  const compilerOptions = {
    module: typescript.ModuleKind.ESNext,
    target: typescript.ScriptTarget.ES2022,
    // Stack traces name the lines of the student's own file.
    inlineSourceMap: true,
  };
  return typescript.transpileModule(source, { fileName: file, compilerOptions }).outputText;
}

function cacheFile(dir, file, source) {
  const version = require('typescript/package.json').version;
  return join(dir, `${createHash('sha256').update(`${version}\0${file}\0${source}`).digest('hex')}.js`);
}

/** Cached files unused for this long are removed: old versions of the course's files, students' files graded long ago. */
const STALE_MS = 7 * 24 * 3600 * 1000;
const pruned = new Set();

/**
 * The grader's side: transpiles every file not yet in `dir`, and returns the
 * cached files, which the sandbox is allowed to read one by one (the folder
 * also holds other students' files).
 */
export function prepare(dir, files) {
  mkdirSync(dir, { recursive: true });
  if (!pruned.has(dir)) prune(dir);
  pruned.add(dir);
  const now = new Date();
  return files.map((file) => {
    const source = readFileSync(file, 'utf8');
    const target = cacheFile(dir, file, source);
    if (existsSync(target)) {
      // In use: a grader pruning at the same time leaves it alone.
      try {
        utimesSync(target, now, now);
        return target;
      } catch {
        // Pruned just now by another grader: written again below.
      }
    }
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, transpile(file, source));
    renameSync(temporary, target);
    return target;
  });
}

/**
 * Removes what no grader has used for STALE_MS. Another grader may be
 * pruning or preparing too: every step tolerates a file that is gone, and a
 * file pruned under a running sandbox is transpiled again by load() below.
 */
function prune(dir) {
  const cutoff = Date.now() - STALE_MS;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      if (statSync(path).mtimeMs < cutoff) unlinkSync(path);
    } catch {
      // Gone already.
    }
  }
}

/** A load hook that works both in-thread (synchronous) and off-thread (asynchronous). */
export function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.[cm]?ts$/.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const dir = process.env[CACHE_ENV];
  const cached = dir && cacheFile(dir, file, source);
  return { format: 'module', source: readCached(cached) ?? transpile(file, source), shortCircuit: true };
}

/** A cached file, or undefined when it is missing (pruned) or not the sandbox's to read. */
function readCached(cached) {
  if (!cached) return undefined;
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Packages imported as their CommonJS builds. zod's ES build is some 60
 * files, and on Node 20 the hooks' thread is asked about each one: 0.15 s
 * more CPU at every sandbox's start. Its CommonJS build loads with require,
 * which those hooks never see. Every import of it is sent there, so the
 * sandbox has one zod.
 */
const COMMONJS = new Set(['zod']);

export function resolve(specifier, context, nextResolve) {
  if (COMMONJS.has(specifier)) {
    // Node's own resolution with require's conditions (require.resolve here
    // would call this hook again where hooks run in the loading thread).
    // Off-thread (Node 20) the next hook answers with a promise.
    const resolved = nextResolve(specifier, { ...context, conditions: ['node', 'require', 'default'] });
    const asCommonjs = ({ url }) => ({ url, format: 'commonjs', shortCircuit: true });
    return typeof resolved?.then === 'function' ? resolved.then(asCommonjs) : asCommonjs(resolved);
  }
  return nextResolve(specifier, context);
}

export const cacheEnv = CACHE_ENV;

// Node 22.15 and later run hooks in this thread; Node 20 only in a worker
// thread of their own, which is why the sandbox there must allow workers.
// Imported by the grader (for prepare) it registers nothing.
if (process.env[CACHE_ENV] !== undefined) {
  if (typeof module.registerHooks === 'function') module.registerHooks({ resolve, load });
  else if (isMainThread) module.register(import.meta.url, import.meta.url);
}
