// Whose results these are: the submission's repository, commit and branch (and
// the student, where a platform names one), which grader graded it, on which
// platform, and when. A TA holding a results file, or a folder of a class's
// files, can then tell them apart and trace each back to a commit.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repoDir } from './paths.ts';

export const SourceSchema = z.object({
  /** e.g. owner/name on GitHub, a clone URL, or the folder the TA named. */
  repository: z.string().optional(),
  commit: z.string().optional(),
  /** The commit's committer date (ISO 8601): when it was submitted, the same on every regrade. */
  committedAt: z.string().optional(),
  branch: z.string().optional(),
  /** The student (a login), where the platform says who it is. */
  student: z.string().optional(),
  /** A platform's name for this submission, e.g. Classroom 50's submit tag. */
  submission: z.string().optional(),
});
export type Source = z.infer<typeof SourceSchema>;

export const Platform = z.enum(['local', 'ta', 'github-actions', 'classroom50', 'gradescope']);
export type Platform = z.infer<typeof Platform>;

export const GraderInfoSchema = z.object({
  /** The course package's version. */
  version: z.string(),
  /** The course repository's commit, when the grader runs from a git checkout. */
  commit: z.string().optional(),
  platform: Platform,
});
export type GraderInfo = z.infer<typeof GraderInfoSchema>;

type Env = Readonly<Record<string, string | undefined>>;

function git(dir: string, ...args: string[]): string | undefined {
  const run = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() || undefined : undefined;
}

/** Which platform runs the grader, from the variables each one sets. */
export function detectPlatform(env: Env = process.env): Platform {
  if (env.GRADER_PLATFORM && Platform.safeParse(env.GRADER_PLATFORM).success) return env.GRADER_PLATFORM as Platform;
  if (env.CLASSROOM && env.SUBMISSION_TAG) return 'classroom50';
  if (env.GITHUB_ACTIONS === 'true') return 'github-actions';
  return 'local';
}

let graderCache: Omit<GraderInfo, 'platform'> | undefined;

export function graderInfo(platform: Platform = detectPlatform()): GraderInfo {
  graderCache ??= {
    version: (JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as { version: string }).version,
    commit: git(repoDir, 'rev-parse', 'HEAD'),
  };
  return { ...graderCache, platform };
}

/**
 * The submission graded in `dir`, as `npm run grade` and the platforms see it:
 * GitHub Actions (and Classroom 50, which runs there) name the repository,
 * commit and branch in the environment; elsewhere the folder's own git
 * repository, when it is one, says the same.
 */
export function detectSource(dir: string, env: Env = process.env): Source {
  const classroom50 = Boolean(env.CLASSROOM && env.SUBMISSION_TAG);
  const head = git(dir, 'rev-parse', 'HEAD');
  const committedAt = (commit: string | undefined) => (commit && commit === head ? git(dir, 'log', '-1', '--format=%cI', commit) : undefined);
  if (env.GITHUB_REPOSITORY) {
    return SourceSchema.parse({
      repository: env.GITHUB_REPOSITORY,
      commit: env.GITHUB_SHA || undefined,
      committedAt: committedAt(env.GITHUB_SHA),
      branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || undefined,
      student: classroom50 ? env.OWNER || env.USERNAME || undefined : env.GITHUB_ACTOR || undefined,
      submission: classroom50 ? env.SUBMISSION_TAG : undefined,
    });
  }
  if (!head) return {};
  const branch = git(dir, 'rev-parse', '--abbrev-ref', 'HEAD');
  return SourceSchema.parse({
    repository: git(dir, 'remote', 'get-url', 'origin'),
    commit: head,
    committedAt: committedAt(head),
    branch: branch && branch !== 'HEAD' ? branch : undefined,
  });
}

/**
 * A short name for a submission: the student, else the name of a hosted
 * repository (owner/name or a URL: every student's repository has its own),
 * else the fallback (a local path or ref says more as the TA wrote it).
 */
export function sourceLabel(source: Source | undefined, fallback: string): string {
  if (source?.student) return source.student;
  const repository = source?.repository?.replace(/\.git$/, '').replace(/\/+$/, '');
  const hosted = repository && (/^[\w.-]+\/[\w.-]+$/.test(repository) || /^[a-z][a-z0-9+.-]*:\/\/|^[\w.-]+@[\w.-]+:/i.test(repository));
  return hosted ? repository.split(/[\/:]/).filter(Boolean).at(-1)! : fallback;
}

/** One line saying whose results these are and what graded them, for the reports' headers. */
export function provenanceLine(results: { source: Source; grader?: GraderInfo; gradedAt?: string }): string {
  const { source, grader } = results;
  const parts = [
    source.student && `student ${source.student}`,
    source.repository && `repository ${source.repository}`,
    source.branch && `branch ${source.branch}`,
    source.commit && `commit ${source.commit.slice(0, 12)}`,
    grader && `grader ${grader.version}${grader.commit ? ` (${grader.commit.slice(0, 7)})` : ''} on ${grader.platform}`,
    results.gradedAt && `graded ${results.gradedAt.replace(/\.\d+Z$/, 'Z')}`,
  ].filter(Boolean);
  return parts.join(', ');
}
