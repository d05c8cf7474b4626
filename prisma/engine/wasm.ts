// Loads Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm), the same Rust
// code as the native `schema-engine` binary the prisma CLI would download. The package's own entry
// imports the .wasm as an ES module, which Node cannot do; so the glue module is loaded and the
// .wasm instantiated by hand, once per process.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

const require = createRequire(import.meta.url);

/**
 * The exact @prisma/schema-engine-wasm this stand-in was written and tested against (package.json
 * pins the same). Another version may change the RPC shapes or the faults worked around in
 * adapters.ts and session.ts, so it is refused rather than trusted.
 */
export const SCHEMA_ENGINE_WASM_VERSION = '8.1.0-2.59be4fda12412a79eeb9c2ae727b6aa723593323';

/** The engines commit of that Wasm build (the part after the last dot of its version). */
export const SCHEMA_ENGINE_COMMIT = SCHEMA_ENGINE_WASM_VERSION.slice(SCHEMA_ENGINE_WASM_VERSION.lastIndexOf('.') + 1);

/** The SchemaEngine class of the Wasm build. */
export type SchemaEngineClass = typeof SchemaEngine;

interface GlueModule {
  SchemaEngine: SchemaEngineClass;
  __wbg_set_wasm(exports: Record<string, unknown>): void;
}

/** The part of the WebAssembly JS API used here (the project's tsconfig has no DOM/WebAssembly lib). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * The glue's imports, with the engine's timers unref'd. The engine arms a 60 s timer per
 * operation (a timeout race) and never clears it, which would keep a finished Node process (a
 * tool, a test worker) alive for a minute. An unref'd timer still fires while the process has
 * other work, so the timeouts keep their meaning.
 */
function withUnrefTimers(glue: GlueModule): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const key of Object.keys(imports).filter((k) => k.startsWith('__wbg_setTimeout_'))) {
    imports[key] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  return imports;
}

let loading: Promise<SchemaEngineClass> | undefined;
let lastPanic: string | undefined;

/**
 * The message of the last Rust panic inside the Wasm engine, cleared by reading it. A panic
 * reaches JS only as "RuntimeError: unreachable"; the engine reports the message beforehand to
 * `globalThis.PRISMA_WASM_PANIC_REGISTRY` (which Prisma's own runtime provides, and we do here).
 */
export function takePanicMessage(): string | undefined {
  const message = lastPanic;
  lastPanic = undefined;
  return message;
}

/** Loads (once) and returns the Wasm SchemaEngine class; throws if the installed package is not the pinned version. */
export function loadSchemaEngineClass(): Promise<SchemaEngineClass> {
  loading ??= (async () => {
    // The package exports only its JS entry points; its folder is where the glue module resolves.
    const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
    if (version !== SCHEMA_ENGINE_WASM_VERSION) {
      throw new Error(
        `prisma/engine is written for @prisma/schema-engine-wasm ${SCHEMA_ENGINE_WASM_VERSION}, but ${version} is installed: ` +
          'pin that version in package.json, or re-check the work-arounds in prisma/engine before changing SCHEMA_ENGINE_WASM_VERSION',
      );
    }
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message(message: string) {
        lastPanic = message;
      },
    };
    const glue = (await import(pathToFileURL(path.join(pkgDir, 'schema_engine_bg.js')).href)) as GlueModule;
    const module = new WasmApi.Module(fs.readFileSync(path.join(pkgDir, 'schema_engine_bg.wasm')));
    const instance = new WasmApi.Instance(module, { './schema_engine_bg.js': withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return loading;
}
