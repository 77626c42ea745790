// Type-checks a submission's lesson files with TypeScript's compiler, in a
// process of its own (type-check.ts starts it under a time and memory limit):
// what a student wrote cannot make the grader itself slow or crash. Prints
// { [lessonId]: [{ file, line, column, message }] } as JSON. Plain
// JavaScript: it starts without tsx.
import module from 'node:module';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const MAX_PER_LESSON = 20;
const MAX_MESSAGE = 300;

const typescript = module.createRequire(import.meta.url)('typescript');
const { config, lessons } = JSON.parse(process.argv[2]);

const tsFiles = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));

const host = { ...typescript.sys, onUnRecoverableConfigFileDiagnostic: () => {} };
const parsed = typescript.getParsedCommandLineOfConfigFile(config, {}, host);
// The course's own settings; only the student's files are roots, and what they import is all that is read.
const options = { ...(parsed?.options ?? {}), noEmit: true, types: ['node'] };
const roots = new Map(lessons.map(({ id, dir }) => [id, tsFiles(dir)]));
const program = typescript.createProgram([...roots.values()].flat(), options);

const out = {};
for (const { id, dir } of lessons) {
  out[id] = roots.get(id).flatMap((file) => {
    const source = program.getSourceFile(file);
    if (!source) return [];
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const message = typescript.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      return { file: relative(dir, file), line: line + 1, column: character + 1, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message };
    });
  }).slice(0, MAX_PER_LESSON);
}
process.stdout.write(JSON.stringify(out));
