// The README of a lesson in bugs/: how to debug, then the lesson's own README.
export function bugsReadme(lesson: string, lessonReadme: string, bugCount: number): string {
  const title = /^#\s+(.+)$/m.exec(lessonReadme)?.[1] ?? lesson;
  return `# Debugging: ${title}

This is the working solution of the lesson with ${bugCount} bugs planted in it:
mistakes people really make when they train models. Your job is to find and fix
them until the grader gives full marks, as the working version does.

How to work, one bug at a time:

1. Grade and read the symptoms: \`npm run grade -- bugs --lesson ${lesson}\`.
   Each failing check says what it measured and what usually causes it.
2. Form one hypothesis from the symptoms (which line could cause this?).
3. Change one thing, then grade again. Keep the change if the symptom is gone.
4. Stuck? \`npm run hint -- ${lesson}\` shows a hint for the next bug, one at a time.

---

${lessonReadme}`;
}
