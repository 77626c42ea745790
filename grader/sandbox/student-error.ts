// Turns whatever student code threw into one readable line, with the place in
// the student's file where it happened when the stack shows it.
import { relative } from 'node:path';

export function describeError(error: unknown, lessonDir: string): string {
  if (!(error instanceof Error)) return `threw a non-Error value: ${String(error)}`;
  const where = studentFrame(error.stack ?? '', lessonDir);
  return where ? `${error.message} (at ${where})` : error.message;
}

function studentFrame(stack: string, lessonDir: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?\s*$/.exec(line.trim());
    if (match && match[1]!.startsWith(lessonDir)) {
      return `${relative(lessonDir, match[1]!)}:${match[2]}`;
    }
  }
  return undefined;
}

export function isCheckFailure(error: unknown): boolean {
  return error instanceof Error && (error.name === 'CheckFailure' || error.name === 'AssertionError');
}
