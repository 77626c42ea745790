// A type error in a student's file is shown as a warning beside the grade and
// costs no points: the grade is what the program does, and tsx runs code tsc
// would reject. One TypeScript program per graded submission, over the
// student's lesson files and what they import, in a child process under a
// time and memory limit. Where TypeScript is not installed (it is a
// devDependency), or the check fails or takes too long, there are simply no
// warnings: it can never fail grading.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { repoDir } from '../registry.ts';
import { dieWithGrader } from './reaper.ts';
import { TypeErrorSchema, type TypeError } from '../results.ts';

const childFile = fileURLToPath(new URL('./type-check-child.mjs', import.meta.url));
const TIME_LIMIT_MS = 120_000;
const MEMORY_LIMIT_MB = 1536;
const OutputSchema = z.record(z.string(), z.array(TypeErrorSchema));
/** Answers by a hash of everything they depend on: the same files are not checked twice (re-grades, a class's unchanged skeletons). */
const cacheDir = join(repoDir, '.cache', 'type-check');
const STALE_MS = 7 * 24 * 3600 * 1000;

/** The type errors of each lesson's files in `targetDir`, by lesson id (lessons without any are absent). */
export async function typeCheck(targetDir: string, lessonIds: readonly string[]): Promise<Map<string, TypeError[]>> {
  try {
    return await check(targetDir, lessonIds);
  } catch {
    return new Map();
  }
}

async function check(targetDir: string, lessonIds: readonly string[]): Promise<Map<string, TypeError[]>> {
  const none = new Map<string, TypeError[]>();
  try {
    createRequire(import.meta.url).resolve('typescript');
  } catch {
    return none;
  }
  const lessons = lessonIds.map((id) => ({ id, dir: join(targetDir, id) })).filter(({ dir }) => existsSync(dir));
  if (!lessons.length) return none;
  const config = join(repoDir, 'tsconfig.json');
  const cached = join(cacheDir, `${cacheKey(config, lessons)}.json`);
  if (existsSync(cached)) return toMap(OutputSchema.parse(JSON.parse(readFileSync(cached, 'utf8'))));
  const output = await runChild(JSON.stringify({ config, lessons }));
  if (!output) return none;
  pruneOnce();
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(`${cached}.${process.pid}.tmp`, JSON.stringify(output));
  renameSync(`${cached}.${process.pid}.tmp`, cached);
  return toMap(output);
}

function toMap(output: z.infer<typeof OutputSchema>): Map<string, TypeError[]> {
  return new Map(Object.entries(output).filter(([, errors]) => errors.length));
}

/** TypeScript's version, the settings, the lessons' files and the course's lib/ they import. */
function cacheKey(config: string, lessons: { id: string; dir: string }[]): string {
  const hash = createHash('sha256').update(createRequire(import.meta.url)('typescript/package.json').version).update(readFileSync(config));
  const add = (root: string, dir: string) => {
    for (const path of filesUnder(dir)) hash.update(`\0${relative(root, path)}\0`).update(readFileSync(path));
  };
  for (const { id, dir } of lessons) {
    // Imports resolve from where the files are: inside the course (every graded copy) alike, elsewhere by path.
    hash.update(`\0lesson ${id}${relative(repoDir, dir).startsWith('..') ? ` at ${dir}` : ''}`);
    add(dir, dir);
  }
  add(repoDir, join(repoDir, 'lib'));
  return hash.digest('hex');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.[cm]?ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

let pruned = false;

/** Old answers go; another grader pruning at once only finds a file gone. */
function pruneOnce(): void {
  if (pruned || !existsSync(cacheDir)) return;
  pruned = true;
  for (const name of readdirSync(cacheDir)) {
    try {
      if (statSync(join(cacheDir, name)).mtimeMs < Date.now() - STALE_MS) rmSync(join(cacheDir, name), { force: true });
    } catch {
      // Gone already.
    }
  }
}

/** The child's answer, or undefined when it failed, took too long, or said something else. */
function runChild(input: string): Promise<z.infer<typeof OutputSchema> | undefined> {
  const none = undefined;
  return new Promise((resolve) => {
    const child = fork(childFile, [input], { execArgv: [`--max-old-space-size=${MEMORY_LIMIT_MB}`], stdio: ['ignore', 'pipe', 'ignore', 'ipc'], serialization: 'json' });
    dieWithGrader(child, 2 * TIME_LIMIT_MS);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
    timer.unref();
    child.on('error', () => {
      clearTimeout(timer);
      resolve(none);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve(none);
      try {
        resolve(OutputSchema.parse(JSON.parse(output)));
      } catch {
        resolve(none);
      }
    });
  });
}
