// The reaper: a small process that each grader process starts once (reaper.ts)
// and that kills the grader's sandboxes when the grader is gone. It reads
// lines from a pipe whose other end only the grader holds:
//   watch <pid> <ms>   a sandbox to kill if it still runs <ms> from now
//   forget <pid>       that sandbox has exited
// When the grader dies, however it dies (SIGKILL, a crash, a test runner that
// stops it), the operating system closes its end and the pipe reaches its end:
// every sandbox still watched is killed, then the reaper exits. Plain
// JavaScript with no imports: it starts in a few tens of milliseconds.
const watched = new Map();
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout fires at once above this

function kill(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

function obey(line) {
  const [verb, pidText, msText] = line.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return;
  clearTimeout(watched.get(pid));
  watched.delete(pid);
  const ms = Number(msText);
  if (verb !== 'watch' || !(ms > 0)) return;
  const timer = setTimeout(() => {
    watched.delete(pid);
    kill(pid);
  }, Math.min(ms, MAX_TIMER_MS));
  watched.set(pid, timer);
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop() ?? '';
  lines.forEach(obey);
});

function graderGone() {
  for (const pid of watched.keys()) kill(pid);
  process.exit(0);
}
process.stdin.on('end', graderGone);
process.stdin.on('close', graderGone);
process.stdin.on('error', graderGone);

// Ctrl-C, a closed terminal or a `kill` of the whole process group reach the
// grader too: the reaper outlives it for the moment it takes to see the pipe
// close, and then does its work.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
