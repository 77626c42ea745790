// Student regions in a solution file are marked like this:
//
//     // >>> student: define the loss function
//     ...the solution's code...
//     // <<< student
//
// The exercise variant keeps the marker's text as a TODO and replaces the code
// with a throw, so an unfinished exercise fails with a clear message instead
// of doing something wrong quietly. The other variants drop the marker lines.

const BEGIN = /^(\s*)\/\/ >>> student: (.+?)\s*$/;
const END = /^\s*\/\/ <<< student\s*$/;

interface Region {
  indent: string;
  task: string;
  begin: number;
  end: number;
}

export function findRegions(source: string, file: string): Region[] {
  const lines = source.split('\n');
  const regions: Region[] = [];
  let open: Omit<Region, 'end'> | undefined;
  lines.forEach((line, index) => {
    const begin = BEGIN.exec(line);
    if (begin) {
      if (open) throw new Error(`${file}:${index + 1}: a student region opens inside the one opened at line ${open.begin + 1}`);
      open = { indent: begin[1]!, task: begin[2]!, begin: index };
    } else if (END.test(line)) {
      if (!open) throw new Error(`${file}:${index + 1}: "// <<< student" closes no region`);
      regions.push({ ...open, end: index });
      open = undefined;
    } else if (/\/\/ (>>>|<<<) student/.test(line)) {
      throw new Error(`${file}:${index + 1}: malformed student marker: ${line.trim()}`);
    }
  });
  if (open) throw new Error(`${file}:${open.begin + 1}: student region is never closed`);
  return regions;
}

/** The solution with its student regions' code replaced by TODOs that throw. */
export function toExercise(source: string, file: string): string {
  const lines = source.split('\n');
  for (const region of findRegions(source, file).reverse()) {
    const message = JSON.stringify(`not implemented: ${region.task}`);
    lines.splice(
      region.begin,
      region.end - region.begin + 1,
      `${region.indent}// TODO: ${region.task}`,
      `${region.indent}throw new Error(${message});`,
    );
  }
  return lines.join('\n');
}

/** The solution without the marker lines: what solutions look like to a student. */
export function withoutMarkers(source: string, file: string): string {
  const regions = findRegions(source, file);
  const markerLines = new Set(regions.flatMap((region) => [region.begin, region.end]));
  return source
    .split('\n')
    .filter((_, index) => !markerLines.has(index))
    .join('\n');
}
