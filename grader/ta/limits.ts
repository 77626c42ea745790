// ta compare's default limits for one submission, its sandboxes included;
// apart from compare.ts so that `ta --help` can show them without loading it.
export const DEFAULT_TIME_LIMIT_MS = 15 * 60_000;
export const DEFAULT_MEMORY_LIMIT_MB = 6144;
