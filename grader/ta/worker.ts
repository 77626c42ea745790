// A worker process for `ta compare`: grades the submissions it is sent, one at
// a time. The parent limits each one's time and memory and can kill the worker
// (and the sandboxes it started) without losing the other submissions. Student
// code never runs here, only in the sandboxes, each a fresh process, so
// grading one submission after another in this process keeps them apart.
import { gradeSubmission, type GradeSubmissionOptions, type SubmissionReport } from './submission.ts';

export interface WorkerRequest {
  spec: string;
  name: string;
  options: Pick<GradeSubmissionOptions, 'lessons' | 'checks' | 'seed' | 'variants' | 'keep' | 'typeCheck'>;
}

export type WorkerMessage =
  | { kind: 'temporary'; dir: string }
  | { kind: 'progress'; line: string }
  | { kind: 'done'; report: SubmissionReport };

const send = (message: WorkerMessage) => new Promise<void>((done) => process.send!(message, () => done()));

process.on('message', async (request: WorkerRequest) => {
  let report: SubmissionReport;
  try {
    report = await gradeSubmission(request.spec, {
      ...request.options,
      name: request.name,
      onTemporary: (dir) => void send({ kind: 'temporary', dir }),
      onProgress: (line) => void send({ kind: 'progress', line }),
    });
  } catch (error) {
    report = { name: request.name, source: request.spec, error: (error as Error).message, tampering: [], files: [], durationMs: 0 };
  }
  await send({ kind: 'done', report });
});

// Nobody left to report to (the TA's process ended or was interrupted).
process.on('disconnect', () => process.exit(0));
