// Student regions in a solution file are marked like this:
//
//     // >>> student: define the loss function
//     ...the solution's code...
//     // <<< student
//
// The exercise variant keeps the marker's text as a TODO and replaces the code
// with a throw, so an unfinished exercise fails with a clear message instead
// of doing something wrong quietly. The other variants drop the marker lines.
//
// A region that ends before its function's `return` names what it computes,
// for the code after it to use, on its closing marker:
//
//     // >>> student: scale the pixels
//     const images = pixels.div(255);
//     // <<< student: let images: tf.Tensor4D
//
// and the exercise declares it (`let images: tf.Tensor4D;`) before the TODO,
// so the skeleton still type-checks (the code after the throw is unreachable)
// and the student's part stays only the region.

const BEGIN = /^(\s*)\/\/ >>> student: (.+?)\s*$/;
const END = /^\s*\/\/ <<< student(?:: let (.+?))?\s*$/;

interface Region {
  indent: string;
  task: string;
  begin: number;
  end: number;
  /** What the region computes for the code after it, e.g. `images: tf.Tensor4D`. */
  declares?: string;
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
      const declares = END.exec(line)![1];
      regions.push({ ...open, end: index, ...(declares === undefined ? {} : { declares }) });
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
      ...(region.declares === undefined ? [] : [`${region.indent}let ${region.declares};`]),
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
