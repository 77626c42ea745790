// The bench against PyTorch in one run: the same model timed by this backend
// and by PyTorch, each on one thread and on all cores, taken in turns so
// that both see the same machine load. Each wasm figure comes from a child
// process of the bench (the wasm thread count is fixed when tfjs starts).
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

export interface Comparison {
  threads: { one: 1; all: number };
  wasm: { one: number; all: number };
  pytorch: { one: number; all: number } | { skipped: string };
  /** wasm over PyTorch: above 1 is wasm faster. */
  ratio?: { one: number; all: number };
  /** The 1-minute load average before and after, for judging the figures. */
  load: [number, number];
  /** The processor: the ratio depends on it (LeNet was 0.97x on one x86-64 machine, 1.4x on another). */
  cpu: string;
}

/** Runs `script` (a bench) with TFJS_WASM_THREADS=threads; returns the `field` of its JSON last line. */
function wasmSpeed(script: string, args: string[], threads: number, field: string): number {
  const run = spawnSync(process.execPath, [...process.execArgv, script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TFJS_BACKEND: 'wasm', TFJS_WASM_THREADS: String(threads), TFJS_QUIET: '1' },
  });
  if (run.status !== 0) throw new Error(`the wasm bench on ${threads} thread(s) failed: ${run.stderr.trim().split('\n').at(-1)}`);
  const lines = run.stdout.trim().split('\n');
  console.log(`wasm, ${threads} thread(s):\n${lines.slice(0, -1).map((line) => `  ${line}`).join('\n')}`);
  return (JSON.parse(lines.at(-1)!) as Record<string, number>)[field]!;
}

function pytorchSpeed(python: string, args: string[], threads: number): number {
  const out = execFileSync('/usr/bin/python3', [python, ...args, String(threads)], { encoding: 'utf8' });
  const speed = Number(out.trim().split('\n').at(-1));
  console.log(`PyTorch, ${threads} thread(s): ${speed}`);
  return speed;
}

export function compareWithPytorch(options: { script: string; args: string[]; python: string; pythonArgs: string[]; field: string }): Comparison {
  const all = availableParallelism();
  const before = loadavg()[0]!;
  const wasm = { one: 0, all: 0 };
  let pytorch: Comparison['pytorch'] = { one: 0, all: 0 };
  for (const [key, threads] of [['one', 1], ['all', all]] as const) {
    wasm[key] = wasmSpeed(options.script, options.args, threads, options.field);
    if ('one' in pytorch) {
      try {
        pytorch[key] = pytorchSpeed(options.python, options.pythonArgs, threads);
      } catch (error) {
        pytorch = { skipped: (error as Error).message.split('\n')[0]! };
      }
    }
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  const ratio = 'one' in pytorch ? { one: round(wasm.one / pytorch.one), all: round(wasm.all / pytorch.all) } : undefined;
  return { threads: { one: 1, all }, wasm, pytorch, ...(ratio ? { ratio } : {}), load: [round(before), round(loadavg()[0]!)], cpu: cpus()[0]?.model.trim() ?? 'unknown' };
}
