// One submission graded in a process of its own, for `ta compare`: the parent
// limits its time and memory and can kill it (and the sandboxes it starts)
// without losing the other submissions.
import { gradeSubmission, type GradeSubmissionOptions, type SubmissionReport } from './submission.ts';

export interface WorkerRequest {
  spec: string;
  name: string;
  options: Pick<GradeSubmissionOptions, 'lessons' | 'checks' | 'seed' | 'variants'>;
}

export type WorkerMessage =
  | { kind: 'temporary'; dir: string }
  | { kind: 'progress'; line: string }
  | { kind: 'done'; report: SubmissionReport };

const send = (message: WorkerMessage) => new Promise<void>((done) => process.send!(message, () => done()));

process.once('message', async (request: WorkerRequest) => {
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
  process.disconnect();
});
