import fs from 'node:fs';
import path from 'node:path';

type ProphetModule = typeof import('@bsull/augurs/prophet');
type WasmstanModule = typeof import('@bsull/augurs-prophet-wasmstan');

export interface ProphetRuntime {
  Prophet: ProphetModule['Prophet'];
  /** Stan's optimizer compiled to WASM. */
  stanOptimizer: WasmstanModule['optimizer'];
}

/**
 * augurs' Prophet is WASM. Its default loader `fetch()`es the .wasm file, which fails in Node, so the bytes are
 * read from disk. The path expression stays static and inline so Next's file tracing ships the file, and the
 * packages are listed in `serverExternalPackages` (next.config.js) so they load from node_modules at run time.
 * Both are ES modules (the optimizer package uses top-level await), hence dynamic imports: they load the same way
 * from Next, vitest and `tsx` scripts. One initialisation per thread (a worker has its own module instance).
 */
let runtime: Promise<ProphetRuntime> | undefined;
let loaded: ProphetRuntime | null = null;

/** The runtime if this thread already initialised it (for synchronous callers), else null. */
export function loadedProphetRuntime(): ProphetRuntime | null {
  return loaded;
}

export function prophetRuntime(): Promise<ProphetRuntime> {
  runtime ??= (async () => {
    const prophet = await import('@bsull/augurs/prophet');
    await prophet.default({
      module_or_path: fs.readFileSync(path.join(process.cwd(), 'node_modules/@bsull/augurs/prophet_bg.wasm')),
    });
    const wasmstan = await import('@bsull/augurs-prophet-wasmstan');
    loaded = { Prophet: prophet.Prophet, stanOptimizer: wasmstan.optimizer };
    return loaded;
  })().catch((error: unknown) => {
    runtime = undefined; // let a later call retry
    throw error;
  });
  return runtime;
}
