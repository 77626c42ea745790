// Where a submission comes from, and a temporary checkout of it: a branch or
// commit of this repository (a git worktree), a local repository or a URL with
// an optional `#ref` (a clone), or a plain folder (used where it is).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { simpleGit } from 'simple-git';
import { repoDir } from '../registry.ts';
import { UsageError } from '../target.ts';
import { markOwned, onCleanup, removeStaleCheckouts } from './cleanup.ts';

export type Source =
  | { kind: 'ref'; spec: string; ref: string }
  | { kind: 'repo'; spec: string; location: string; ref?: string }
  | { kind: 'folder'; spec: string; path: string };

const looksLikeUrl = (text: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[\w.-]+@[\w.-]+:/.test(text);

/** A name for folders and reports: letters, digits, dot, dash and underscore. */
export function safeName(text: string): string {
  return text.replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|_+$/g, '') || 'submission';
}

export function sourceName(source: Source): string {
  if (source.kind === 'ref') return safeName(source.ref);
  if (source.kind === 'folder') return safeName(basename(resolve(source.path)));
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
    if (!statSync(path).isDirectory()) throw new UsageError(`"${base}" is a file, not a repository or folder`);
    if (existsSync(join(path, '.git'))) return { kind: 'repo', spec, location: path, ref };
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
  const courseCommit = await commitOf(repoDir, 'HEAD');
  const prefix = join(tmpdir(), 'grade-submission-');
  removeStaleCheckouts(prefix, removeCheckout);
  const dir = mkdtempSync(prefix);
  markOwned(dir);
  onTemporary?.(dir);
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

/** For a plain folder: files whose content differs from the course's committed file at the same path. */
function changedFolderFiles(dir: string): string[] {
  const course = new Map<string, string>();
  const tree = execFileSync('git', ['ls-tree', '-r', 'HEAD'], { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of tree.split('\n')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (match) course.set(match[2]!, match[1]!);
  }
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !/^(node_modules|\.git|\.cache)\//.test(file))
    .sort();
  if (files.length === 0) return [];
  const hashes = execFileSync('git', ['hash-object', '--stdin-paths'], { cwd: dir, input: files.join('\n'), encoding: 'utf8' }).split('\n');
  return files.filter((file, i) => course.get(file) !== hashes[i]);
}
