// A mistake in how a command was called (a wrong path, a bad option): one
// clear line and exit code 2. A module of its own, with no imports, so that
// a command line's parsers can use it without loading the grader.
export class UsageError extends Error {}
