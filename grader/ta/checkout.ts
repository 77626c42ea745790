// Where a submission comes from, and a temporary checkout of it: a branch or
// commit of this repository (a git worktree), a repository URL, or a local
// repository with a `#ref` (a clone), a zip (unpacked), or a folder, git or
// not (used where it is, as it is on disk).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { simpleGit } from 'simple-git';
import { repoDir } from '../registry.ts';
import { UsageError } from '../target.ts';
import { markOwned, onCleanup, removeStaleCheckouts } from './cleanup.ts';

export type Source =
  | { kind: 'ref'; spec: string; ref: string }
  | { kind: 'repo'; spec: string; location: string; ref?: string }
  | { kind: 'folder'; spec: string; path: string }
  | { kind: 'zip'; spec: string; path: string };

const looksLikeUrl = (text: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[\w.-]+@[\w.-]+:/.test(text);

/** A name for folders and reports: letters, digits, dot, dash and underscore. */
export function safeName(text: string): string {
  return text.replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '') || 'submission';
}

export function sourceName(source: Source): string {
  if (source.kind === 'ref') return safeName(source.ref);
  if (source.kind === 'folder') return safeName(basename(resolve(source.path)));
  if (source.kind === 'zip') return safeName(basename(resolve(source.path)).replace(/\.zip$/i, ''));
  const repo = basename(source.location.replace(/[\\/]+$/, '').replace(/^.*:/, ''));
  return safeName(source.ref ? `${repo}-${source.ref}` : repo);
}

/** Reads a submission's spec, with a clear error when it names nothing that exists. */
export async function parseSource(spec: string): Promise<Source> {
  const hash = spec.lastIndexOf('#');
  const [base, ref] = hash > 0 ? [spec.slice(0, hash), spec.slice(hash + 1)] : [spec, undefined];
  if (ref !== undefined && !ref) throw new UsageError(`"${spec}" ends with "#" but names no ref after it`);
  if (looksLikeUrl(base)) return { kind: 'repo', spec, location: base, ref };
  const path = resolve(base);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) {
      if (/\.zip$/i.test(path) && !ref) return { kind: 'zip', spec, path };
      throw new UsageError(`"${base}" is a file, not a repository, folder or .zip`);
    }
    // A repository with a ref is graded at that ref; without one, as it is on disk.
    if (ref && existsSync(join(path, '.git'))) return { kind: 'repo', spec, location: path, ref };
    if (ref) throw new UsageError(`"${base}" is a folder but not a git repository, so it has no ref "${ref}"`);
    return { kind: 'folder', spec, path };
  }
  if (ref !== undefined || /[\\/]/.test(base) && !(await isCommit(repoDir, base))) {
    throw new UsageError(`"${base}" is neither a directory nor a URL`);
  }
  if (!(await isCommit(repoDir, base))) {
    throw new UsageError(`"${spec}" is not a branch or commit of this repository, a directory, or a URL with #ref`);
  }
  return { kind: 'ref', spec, ref: base };
}

async function isCommit(dir: string, ref: string): Promise<boolean> {
  // simple-git does not treat a silent non-zero exit as an error, so ask git directly.
  const run = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: dir, encoding: 'utf8' });
  return run.status === 0 && /^[0-9a-f]{40,64}$/.test(run.stdout.trim());
}

async function commitOf(dir: string, ref: string): Promise<string> {
  const run = spawnSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new UsageError(`"${ref}" is not a commit in ${dir}: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

export interface Checkout {
  dir: string;
  /** The submission's commit, when it came from git. */
  commit?: string;
  /** The repository holding both the submission's commit and the course's (for diffs). */
  gitDir?: string;
  /** The course's own commit in `gitDir`. */
  courseCommit?: string;
  /** Removes the checkout; safe to call twice. */
  remove(): void;
}

/** Checks a submission out into a temporary folder, removed by `remove()`, on exit, or on Ctrl-C. */
export async function checkout(source: Source, onTemporary?: (dir: string) => void): Promise<Checkout> {
  if (source.kind === 'folder') return { dir: source.path, remove: () => {} };
  // The course itself need not be a git repository (a Gradescope image, a Classroom 50 bundle).
  const courseCommit = (await isCommit(repoDir, 'HEAD')) ? await commitOf(repoDir, 'HEAD') : undefined;
  const prefix = join(tmpdir(), 'grade-submission-');
  removeStaleCheckouts(prefix, removeCheckout);
  const dir = mkdtempSync(prefix);
  markOwned(dir);
  onTemporary?.(dir);
  if (source.kind === 'zip') {
    const remove = onCleanup(() => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.owner`, { force: true });
    });
    try {
      return { dir: unzipInto(source.path, dir), remove };
    } catch (error) {
      remove();
      throw error;
    }
  }
  if (source.kind === 'ref') {
    const remove = onCleanup(() => {
      removeWorktree(dir);
      rmSync(`${dir}.owner`, { force: true });
    });
    try {
      const commit = await commitOf(repoDir, source.ref);
      await withRetry(() => simpleGit(repoDir).raw(['worktree', 'add', '--detach', '--quiet', dir, commit]));
      return { dir, commit, gitDir: repoDir, courseCommit, remove };
    } catch (error) {
      remove();
      throw error;
    }
  }
  const remove = onCleanup(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.owner`, { force: true });
  });
  try {
    try {
      await simpleGit().clone(source.location, dir, ['--quiet', '--no-checkout']);
    } catch (error) {
      throw new UsageError(`cannot clone "${source.location}": ${firstLine(error)}`);
    }
    const git = simpleGit(dir);
    const wanted = source.ref ?? 'HEAD';
    const candidates = [wanted, `origin/${wanted}`];
    let commit: string | undefined;
    for (const candidate of candidates) if (!commit && (await isCommit(dir, candidate))) commit = await commitOf(dir, candidate);
    if (!commit) throw new UsageError(`"${source.location}" has no branch, tag or commit "${wanted}"`);
    await git.raw(['checkout', '--quiet', '--detach', commit]);
    if (!courseCommit) return { dir, commit, remove };
    // The course's commit, fetched into the clone, so that the two can be diffed.
    await git.raw(['fetch', '--quiet', '--no-tags', repoDir, courseCommit]);
    return { dir, commit, gitDir: dir, courseCommit, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** A worktree of this repository or a clone: whichever `dir` is. */
function removeCheckout(dir: string): void {
  if (existsSync(join(dir, '.git')) && statSync(join(dir, '.git')).isDirectory()) rmSync(dir, { recursive: true, force: true });
  else removeWorktree(dir);
}

/**
 * Unpacks a zip into `dir` and returns the folder holding the submission: the
 * zip's root, or its one top-level folder when everything sits inside one.
 */
function unzipInto(zip: string, dir: string): string {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(zip));
  } catch (error) {
    throw new UsageError(`"${zip}" is not a readable zip: ${firstLine(error)}`);
  }
  for (const [name, data] of Object.entries(entries)) {
    const target = resolve(dir, name);
    // An entry naming a path outside the folder (../x, /etc/x) is refused.
    if (relative(dir, target).startsWith('..') || resolve(target) === resolve(dir)) continue;
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  const top = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.name !== '__MACOSX');
  return top.length === 1 && top[0]!.isDirectory() ? join(dir, top[0]!.name) : dir;
}

function removeWorktree(dir: string): void {
  try {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repoDir, stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    execFileSync('git', ['worktree', 'prune'], { cwd: repoDir, stdio: 'ignore' });
  }
}

/** Several workers adding worktrees at once can meet on git's lock files. */
async function withRetry<T>(work: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= tries || !/lock/i.test(String(error))) throw error;
      await new Promise((done) => setTimeout(done, 200 * attempt));
    }
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim())?.trim() ?? text;
}

/**
 * Files the submission added or changed since the course commit it started from
 * (their merge base), or else against the course's current commit.
 */
export async function changedFiles(checkout: Checkout): Promise<string[]> {
  if (!checkout.gitDir || !checkout.commit || !checkout.courseCommit) return changedFolderFiles(checkout.dir);
  const git = simpleGit(checkout.gitDir);
  let base = checkout.courseCommit;
  try {
    base = (await git.raw(['merge-base', checkout.commit, checkout.courseCommit])).trim() || base;
  } catch {
    // No shared history (a template repository starts anew): compare with the course as it is.
  }
  const out = await git.raw(['diff', '--name-only', '--no-renames', '--diff-filter=AM', base, checkout.commit]);
  return out.split('\n').filter(Boolean);
}

/** Paths no submission is judged by: installs, caches, platform files (CI workflows, Classroom 50's marker, its results). */
const NOT_COURSE = /^(node_modules|\.git|\.cache|out|\.github)\/|^(\.git|\.classroom50\.yaml|result\.json|release-body\.md)$/;

/**
 * For a folder, a zip or a clone that shares no commit with the course: files
 * that differ from the course's own file at the same path, or that the course
 * does not have. The course is read as it is on disk, so this works whether or
 * not either side is a git repository, or sits inside another one.
 */
function changedFolderFiles(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !NOT_COURSE.test(file))
    .sort();
  return files.filter((file) => {
    const course = join(repoDir, file);
    if (!existsSync(course) || !statSync(course).isFile()) return true;
    try {
      return !readFileSync(course).equals(readFileSync(join(dir, file)));
    } catch {
      return true;
    }
  });
}
