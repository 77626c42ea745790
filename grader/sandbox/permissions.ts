// Least privilege for the sandbox process, by Node's permission model: it may
// read the lesson folder it grades, the course's lib/ and node_modules and
// the grader's code (not the calibrated references, the grader-side maths or
// the bug catalogs, not solutions/), write
// only a temporary folder of its own, and start no processes. Where the
// grader runs as root (CI, Gradescope) the sandbox also runs as the
// unprivileged user `nobody`, so it cannot signal the grader or write its files.
import { createRequire } from 'node:module';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { graderDir, repoDir } from '../registry.ts';
import { markOwned, removeStaleCheckouts } from '../ta/cleanup.ts';
import { GRADER_SIDE_FILE } from './grader-side.ts';
import { cacheEnv, prepare } from './typescript-loader.mjs';

/** `nobody` on Linux and macOS. */
const NOBODY = 65534;
/** The sandbox's JavaScript, transpiled by the grader (see typescript-loader.mjs). */
const transpiledDir = join(repoDir, '.cache', 'sandbox-js');

export interface SandboxLaunch {
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  uid?: number;
  gid?: number;
  /** Removes the temporary folder. */
  cleanup(): void;
}

/** Node 22 made the permission model stable under a new flag name. */
export const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

export function sandboxLaunch(lessonDir: string): SandboxLaunch {
  const asRoot = process.getuid?.() === 0 && othersCanRead(lessonDir);
  // A grader killed with SIGKILL leaves its sandboxes' folders: the next run removes them.
  const prefix = join(tmpdir(), 'grade-sandbox-');
  removeStaleCheckouts(prefix, (dir) => rmSync(dir, { recursive: true, force: true }));
  const temp = mkdtempSync(prefix);
  markOwned(temp);
  if (asRoot) chownSync(temp, NOBODY, NOBODY);
  const addons = usesNativeTfjs();
  // The permission model checks real paths: a node_modules that is a symbolic link is allowed where it leads.
  const sources = withRealPaths([...courseFiles(lessonDir), lessonDir]);
  // The cache holds every file any sandbox loaded (other students' too): only this sandbox's are readable.
  const transpiled = withRealPaths(prepare(transpiledDir, sources.flatMap(typescriptFiles)));
  const reads = [...sources, ...withRealPaths([temp]), ...transpiled];
  const execArgv = [
    PERMISSION_FLAG,
    ...reads.map((path) => `--allow-fs-read=${path}`),
    // A native addon loaded from a folder the sandbox can write would run
    // outside the permission model, so with tfjs-node it writes nowhere.
    ...(addons ? ['--allow-addons'] : [`--allow-fs-write=${temp}`]),
    ...(needsWorkers() ? ['--allow-worker'] : []),
  ];
  return {
    execArgv,
    env: { ...sandboxEnv(temp), [cacheEnv]: transpiledDir },
    cwd: temp,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    cleanup: () => {
      rmSync(temp, { recursive: true, force: true });
      rmSync(`${temp}.owner`, { force: true });
    },
  };
}

let warned = false;

/**
 * `nobody` reads the course through the "others" permission bits. Where a
 * folder on the way withholds them (an umask of 077, a home folder of mode
 * 700), the sandbox runs as the grader's user instead, with the permission
 * model alone, rather than failing every student.
 */
function othersCanRead(lessonDir: string): boolean {
  // Node itself too: one brought by npx or nvm may sit in a home folder of mode 700.
  const paths = [lessonDir, join(repoDir, 'package.json'), join(repoDir, 'node_modules'), join(repoDir, 'lib'), graderDir, process.execPath];
  for (const path of paths) {
    for (let at = path; ; at = dirname(at)) {
      if (!existsSync(at)) break;
      const mode = statSync(at).mode;
      const needed = statSync(at).isDirectory() || at === process.execPath ? 0o005 : 0o004;
      if ((mode & needed) !== needed) {
        if (!warned) console.error(`warning: student code runs as this user, not as nobody: ${at} is not readable by other users (chmod o+rX)`);
        warned = true;
        return false;
      }
      if (dirname(at) === at) break;
    }
  }
  return true;
}

/**
 * What every lesson's checks need: node_modules, lib/ (with the data), the
 * grader's code, and the package.json whose "imports" resolve `#lib/...`.
 * A target outside this repository (a student's own checkout) resolves
 * `#lib` to its own lib/, so that is readable too.
 */
function courseFiles(lessonDir: string): string[] {
  const roots = new Set([repoDir, packageRoot(lessonDir) ?? repoDir]);
  const files = [...roots].flatMap((root) => ['package.json', 'lib', 'node_modules'].map((name) => join(root, name)));
  return [...files.filter(existsSync), ...graderCode()];
}

function withRealPaths(paths: string[]): string[] {
  return [...new Set(paths.flatMap((path) => (existsSync(path) ? [path, realpathSync(path)] : [path])))];
}

/** The TypeScript files a sandbox may load from `path`: not node_modules', not tests. */
function typescriptFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return /\.ts$/.test(path) && !path.endsWith('.d.ts') ? [path] : [];
  if (/[\\/](node_modules|test)$/.test(path)) return [];
  return readdirSync(path).flatMap((name) => typescriptFiles(join(path, name)));
}

function packageRoot(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * What a lesson's folder holds that student code must not read: the
 * calibrated reference, the grader-side maths, and the bug and alternate
 * catalogs (their patches quote the solution).
 */
const GRADER_ONLY = new Set(['reference.json', GRADER_SIDE_FILE, 'bugs.ts', 'alternates.ts', 'frozen-bugs.ts', 'dev-bugs.ts']);

/** The grader's folders and files, less its tests and what GRADER_ONLY names. */
function graderCode(): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(graderDir, { withFileTypes: true })) {
    if (entry.name === 'test' || entry.name === 'lessons') continue;
    out.push(join(graderDir, entry.name));
  }
  const lessons = join(graderDir, 'lessons');
  for (const lesson of readdirSync(lessons, { withFileTypes: true })) {
    if (!lesson.isDirectory()) continue;
    for (const file of readdirSync(join(lessons, lesson.name))) {
      // Every calibrated reference (reference.json, reference-<part>.json) stays with the grader.
      if (!GRADER_ONLY.has(file) && !/^reference(-[a-z0-9-]+)?\.json$/.test(file)) out.push(join(lessons, lesson.name, file));
    }
  }
  return out;
}

/**
 * The sandbox's TypeScript loader runs its hooks in the loading thread where
 * Node has module.registerHooks (22.15 and later), and in a worker thread of
 * its own elsewhere; tfjs's threaded WebAssembly build runs on worker threads.
 */
function needsWorkers(): boolean {
  const threads = Number(process.env.TFJS_WASM_THREADS ?? 1);
  return !('registerHooks' in createRequire(import.meta.url)('node:module')) || threads > 1;
}

/** Whether lib/runtime/backend.ts will load tfjs-node, a native addon. */
function usesNativeTfjs(): boolean {
  const forced = process.env.TFJS_BACKEND;
  if (forced && forced !== 'node') return false;
  try {
    createRequire(join(repoDir, 'package.json')).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/**
 * The grader's environment may hold tokens (CI's GITHUB_TOKEN); the sandbox
 * gets only what the course reads, and its own temporary folder as home.
 */
function sandboxEnv(temp: string): NodeJS.ProcessEnv {
  const keep = Object.entries(process.env).filter(([name]) => /^(PATH|LANG|LC_\w+|TZ|TFJS_\w+|GRADER_VERBOSE)$/.test(name));
  return { ...Object.fromEntries(keep), TMPDIR: temp, HOME: temp, TFJS_QUIET: '1', NODE_OPTIONS: '' };
}
