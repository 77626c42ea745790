// The part of the WebAssembly API the SIMD kernel uses. Node 20's type
// definitions leave the WebAssembly global out, and TypeScript's own (in its
// "dom" library) would bring every browser global along with it.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
    static customSections(module: Module, name: string): ArrayBuffer[];
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    value: unknown;
  }
  function validate(bytes: Uint8Array): boolean;
}
