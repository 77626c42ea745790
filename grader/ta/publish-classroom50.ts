// Publishes the course as a Classroom 50 assignment: what a teacher commits.
//
// - template/: the student template repository (exercise/, bugs/, the grader
//   and its references, lib/; no solutions).
// - classroom50/: files for the teacher's `classroom50` config repository:
//   autograders/<slug>/autograder.py (a thin shim the runner starts in each
//   student's checkout) with course/ beside it (the trusted grader it runs:
//   Classroom 50 bundles everything in that folder with the autograder),
//   runtime.json (Node.js for the runner, for `gh teacher assignment add
//   --runtime`), and assignments.json, an assignments/v1 file holding the
//   assignment's entry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitTree, emptyTarget, templateFiles, utf8, writeTree } from './publish.ts';

/** The Node.js version the runner sets up; the course supports the current LTS releases. */
export const RUNTIME = { node: '24' } as const;

export interface Classroom50Options {
  /** The assignment slug: lower-case letters, digits and dashes. */
  assignment: string;
  lessons?: readonly string[];
  checks?: readonly string[];
  /** Grade only these folders of the submission (default: exercise/ and bugs/). */
  variants?: readonly string[];
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,38}$/;

/** The grader's arguments for one assignment, e.g. ['--lesson', '01-linear-regression']. */
export function gradeArgs(options: { lessons?: readonly string[]; checks?: readonly string[]; variants?: readonly string[] }): string[] {
  const list = (flag: string, values: readonly string[] | undefined) => (values?.length ? [flag, ...values] : []);
  return [...list('--lesson', options.lessons), ...list('--check', options.checks), ...list('--variant', options.variants)];
}

/** The shim, with this assignment's grading arguments filled in. */
export function autograderScript(args: readonly string[]): string {
  const template = readFileSync(fileURLToPath(new URL('./platforms/autograder.py', import.meta.url)), 'utf8');
  return template.replace('GRADE_ARGS: list[str] = []', `GRADE_ARGS: list[str] = ${JSON.stringify(args)}`);
}

const CONFIG_README = (slug: string) => `# Classroom 50: the deep-learning assignment

1. Create the template repository from \`../template\` (for example as \`ORG/deep-learning-template\`):

   \`\`\`
   cd ../template && gh repo create ORG/deep-learning-template --private --source . --push
   gh repo edit ORG/deep-learning-template --template
   \`\`\`

2. Register the assignment, with Node.js for the grader:

   \`\`\`
   gh teacher assignment add ORG CLASSROOM ${slug} --name "Deep learning in TypeScript" \\\\
       --template ORG/deep-learning-template --runtime runtime.json
   \`\`\`

   (\`assignments.json\` here holds the same entry, for clients that write the file themselves.)

3. Commit the autograder into your \`classroom50\` repository, where the runner looks for it:

   \`\`\`
   cp -R autograders/${slug} <classroom50 checkout>/CLASSROOM/autograders/${slug}
   cd <classroom50 checkout> && git add CLASSROOM/autograders/${slug} && git commit -m "Autograder for ${slug}" && git push
   \`\`\`

On every submission the runner starts \`autograder.py\` in the student's checkout. It grades
the checkout with the grader in \`course/\` (the student's own copy of the grader is never used),
writes \`result.json\` and \`release-body.md\`, and exits 0 whenever grading ran. Grading takes
a few minutes per lesson; the runner stops a grade job after 15 minutes, so for a whole course
make one assignment per lesson or two: \`npm run ta -- publish --classroom50 DIR --assignment
lesson-3 --lesson 03-cnn\`.
`;

export async function publishClassroom50(dir: string, options: Classroom50Options): Promise<{ template: string; config: string }> {
  if (!SLUG.test(options.assignment)) {
    throw new Error(`assignment slug "${options.assignment}" must be 2-39 lower-case letters, digits or dashes`);
  }
  emptyTarget(dir);
  const files = await templateFiles();
  const template = join(dir, 'template');
  await commitTree(template, files, 'Assignment template');

  const slug = options.assignment;
  const config = new Map<string, string>();
  for (const [path, text] of files) config.set(`autograders/${slug}/course/${path}`, text);
  config.set(`autograders/${slug}/autograder.py`, utf8(autograderScript(gradeArgs(options))));
  config.set('runtime.json', JSON.stringify(RUNTIME, null, 2) + '\n');
  config.set(
    'assignments.json',
    JSON.stringify(
      {
        schema: 'classroom50/assignments/v1',
        assignments: [{ slug, name: 'Deep learning in TypeScript', mode: 'individual', autograder: 'default', runtime: RUNTIME }],
      },
      null,
      2,
    ) + '\n',
  );
  config.set('README.md', utf8(CONFIG_README(slug)));
  const configDir = join(dir, 'classroom50');
  emptyTarget(configDir);
  writeTree(configDir, config);
  return { template, config: configDir };
}
