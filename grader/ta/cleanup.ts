// Temporary checkouts and worker processes are undone even when grading fails
// or the TA presses Ctrl-C: every undo step is registered here, runs
// synchronously (so it can run from a signal handler), and runs once.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

type Undo = () => void;

const pending = new Map<number, Undo>();
let nextId = 0;
let installed = false;

export function onCleanup(undo: Undo): () => void {
  install();
  const id = nextId++;
  pending.set(id, undo);
  return () => {
    if (!pending.delete(id)) return;
    undo();
  };
}

export function cleanupAll(): void {
  for (const [id, undo] of [...pending].reverse()) {
    pending.delete(id);
    try {
      undo();
    } catch (error) {
      console.error(`cleanup: ${(error as Error).message}`);
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: removing temporary checkouts`);
      stopChildren();
      cleanupAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  process.once('exit', cleanupAll);
}

/**
 * The grading sandboxes are this process's children; a signal sent to this
 * process alone (not to the terminal's whole process group) would leave them
 * training after it is gone.
 */
function stopChildren(): void {
  if (!existsSync('/proc/self/stat')) return;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid) process.kill(Number(entry), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/**
 * A grader killed with SIGKILL (or a machine that lost power) runs no undo
 * steps: its temporary checkouts stay, and a worktree stays registered in
 * the TA's repository. Each checkout is marked with the id of the process
 * that made it; the next run removes those whose process is gone.
 */
export function markOwned(dir: string): void {
  // Written aside and renamed, so that a grader sweeping in parallel never
  // reads a marker that exists but is still empty (which it would take for
  // a dead owner, and remove a checkout in use).
  const aside = `${dir}.owner-${process.pid}.tmp`;
  writeFileSync(aside, String(process.pid));
  renameSync(aside, `${dir}.owner`);
}

export function removeStaleCheckouts(prefix: string, remove: (dir: string) => void): void {
  const parent = dirname(prefix);
  const start = basename(prefix);
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(start) || !entry.endsWith('.owner')) continue;
    const marker = join(parent, entry);
    let owner: number;
    try {
      owner = Number(readFileSync(marker, 'utf8'));
    } catch {
      // Removed by its owner since the folder was listed: a grading that
      // ran beside this one has finished and cleaned up after itself.
      continue;
    }
    if (isAlive(owner)) continue;
    try {
      remove(marker.slice(0, -'.owner'.length));
      rmSync(marker, { force: true });
    } catch (error) {
      console.error(`cleanup: ${(error as Error).message}`);
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
