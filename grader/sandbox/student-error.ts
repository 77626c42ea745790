// Turns whatever student code threw into one readable line, with the place in
// the student's file where it happened when the stack shows it.
import { relative } from 'node:path';

export function describeError(error: unknown, lessonDir: string): string {
  if (!(error instanceof Error)) return `threw a non-Error value: ${String(error)}`;
  const where = studentFrame(error.stack ?? '', lessonDir);
  return where ? `${error.message} (at ${where})` : error.message;
}

/**
 * The innermost place in the student's files, and the student's named
 * functions on the way to it, innermost first ("cnn.ts:118 in evaluate"):
 * which of the lesson's functions threw tells the diagnosis where the fault is.
 */
function studentFrame(stack: string, lessonDir: string): string | undefined {
  let where: string | undefined;
  const names: string[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const match = /^at (?:async )?(?:(\S+) )?\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?\s*$/.exec(line.trim());
    if (!match || !match[2]!.startsWith(lessonDir)) continue;
    where ??= `${relative(lessonDir, match[2]!)}:${match[3]}`;
    // "Object.evaluate" or "evaluate"; arrow functions and callbacks have no name of their own.
    const name = match[1]?.split('.').at(-1);
    if (name && /^[A-Za-z_$][\w$]*$/.test(name) && name !== '<anonymous>' && !names.includes(name)) names.push(name);
  }
  if (!where) return undefined;
  return names.length ? `${where} in ${names.join(' < ')}` : where;
}

export function isCheckFailure(error: unknown): boolean {
  return error instanceof Error && (error.name === 'CheckFailure' || error.name === 'AssertionError');
}
