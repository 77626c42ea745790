// Where a lesson's grading time goes, for `npm run grade -- --timings`: the
// sandbox's start (Node, TensorFlow.js and its WebAssembly, the lesson's
// module), importing the student's files, the shared training runs
// (fixtures) and the checks' own work. Measured by the grader from the
// sandbox's phase messages, so nothing here is believed for grading.

export interface LessonTimings {
  /** Starting sandboxes: from fork to "ready" (more than one when a check killed one). */
  startMs: number;
  /** Importing the lesson's files (`load:` phases). */
  loadMs: number;
  /** The shared runs, mostly training (`fixture:` phases). */
  trainMs: number;
  /** Everything else a check does. */
  checksMs: number;
  totalMs: number;
}

export const PHASE_KINDS = ['startMs', 'loadMs', 'trainMs', 'checksMs'] as const;
type Kind = (typeof PHASE_KINDS)[number];

/**
 * Splits wall time between phases: time belongs to the innermost phase under
 * way (a fixture that imports a file spends that time loading).
 */
export class PhaseClock {
  private readonly totals: Record<Kind, number> = { startMs: 0, loadMs: 0, trainMs: 0, checksMs: 0 };
  private readonly stack: Kind[] = [];
  private since: number;
  private readonly began: number;

  /** `now` reads the time in milliseconds (tests pass their own). */
  constructor(private readonly now: () => number = () => performance.now()) {
    this.since = this.began = now();
  }

  /** Time from now on goes to `kind` until `leave`. */
  enter(kind: Kind) {
    this.tick();
    this.stack.push(kind);
  }

  leave(kind: Kind) {
    this.tick();
    const at = this.stack.lastIndexOf(kind);
    if (at >= 0) this.stack.splice(at, 1);
  }

  /** Starts a check: whatever phases were open (a killed sandbox's) are over. */
  reset() {
    this.tick();
    this.stack.length = 0;
  }

  /** A sandbox phase by its name, `load:<file>` or `fixture:<name>`. */
  static kindOf(phase: string): Kind | undefined {
    if (phase.startsWith('load:')) return 'loadMs';
    if (phase.startsWith('fixture:')) return 'trainMs';
    return undefined;
  }

  read(): LessonTimings {
    this.tick();
    const round = (ms: number) => Math.round(ms);
    return {
      startMs: round(this.totals.startMs),
      loadMs: round(this.totals.loadMs),
      trainMs: round(this.totals.trainMs),
      checksMs: round(this.totals.checksMs),
      totalMs: round(this.now() - this.began),
    };
  }

  private tick() {
    const now = this.now();
    this.totals[this.stack.at(-1) ?? 'checksMs'] += now - this.since;
    this.since = now;
  }
}

/** A table of per-lesson timings in seconds, with a total row. */
export function formatTimings(rows: readonly { id: string; timings: LessonTimings }[], wallMs: number): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(6);
  const header = `${'lesson'.padEnd(24)}${['start', 'load', 'train', 'checks', 'total'].map((name) => name.padStart(7)).join('')}`;
  const line = (id: string, t: LessonTimings) =>
    `${id.padEnd(24)}${[t.startMs, t.loadMs, t.trainMs, t.checksMs, t.totalMs].map((ms) => ` ${seconds(ms)}`).join('')}`;
  const sum = { startMs: 0, loadMs: 0, trainMs: 0, checksMs: 0, totalMs: 0 };
  for (const { timings } of rows) for (const key of Object.keys(sum) as (keyof LessonTimings)[]) sum[key] += timings[key];
  return [header, ...rows.map(({ id, timings }) => line(id, timings)), line('all lessons', sum), `wall time, grader included: ${(wallMs / 1000).toFixed(1)} s`].join('\n');
}
