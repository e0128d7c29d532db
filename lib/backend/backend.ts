/**
 * Picks the TensorFlow.js backend, once, for the whole process. Nothing else
 * in the kit imports a backend package.
 *
 * - `wasm` (default): XNNPACK kernels in WebAssembly; works offline in Deno,
 *   multi-threaded through `wasm_threads.ts` when asked (falls back to one
 *   thread). Matrix products go to OpenBLAS through FFI where it is installed
 *   (`blas.ts`; `blas: "auto"`, the default), which makes a training step
 *   2-4x faster (`deno task bench`); `blas: "off"` keeps them on XNNPACK.
 * - `cpu`: plain JavaScript kernels; slow, but a reference for parity tests.
 * - `tensorflow`: libtensorflow through `@tensorflow/tfjs-node-gpu` (CUDA) or
 *   `@tensorflow/tfjs-node`, loaded only if the user installed it
 *   (`deno task setup:gpu`); its install script downloads libtensorflow, so it
 *   is never a dependency of the kit or its tests.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu` on Deno's WebGPU. Needs an
 *   adapter: a GPU with Vulkan/Metal drivers, or Mesa's software one
 *   (`apt-get install -y mesa-vulkan-drivers`: llvmpipe, correct but slower
 *   than wasm). `dataSync()` throws there: the kit reads tensors with `await t.data()`.
 *
 * With the backend it picks the kernels of the network's parts (kernels.ts):
 * the model reads that choice and never sets it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's Node build registers no gradients and its ESM files cannot be
// imported one by one in Deno (extensionless paths); the union package's Node
// bundle registers them all on the same (deduplicated) tfjs-core. Loaded
// with the backend, so every process that picks one can differentiate.
import "@tensorflow/tfjs";
import { type BlasInfo, disableBlas, enableBlas } from "./blas.ts";
import { chooseKernels, type KernelChoice } from "./kernels.ts";
import { enableNative, type NativeInfo, useNativeCopies } from "./native.ts";
import { tuneWasmKernels } from "./wasm_kernels.ts";
import { initWasmWithThreads } from "./wasm_threads.ts";

/** Backends the kit can run on. */
export const BACKENDS = ["wasm", "cpu", "tensorflow", "webgpu"] as const;
/** One of {@link BACKENDS}. */
export type BackendName = typeof BACKENDS[number];

/** Whether the wasm backend's matrix products use OpenBLAS: if installed, always, never. */
export const BLAS_MODES = ["auto", "on", "off"] as const;
/** One of {@link BLAS_MODES}. */
export type BlasMode = typeof BLAS_MODES[number];

/**
 * Whether the wasm backend runs SwiGLU and RMSNorm as fused native kernels (native.ts):
 * where a C compiler can build them, always, never. Same values as `BLAS_MODES`.
 */
export const NATIVE_MODES = BLAS_MODES;
/** One of {@link NATIVE_MODES}. */
export type NativeMode = BlasMode;

/** What was chosen, recorded with every run. */
export interface BackendInfo {
  name: BackendName;
  /** Package that provided it. */
  provider: string;
  tfjsVersion: string;
  /** Threads of the wasm backend's kernels (1 elsewhere). */
  threads: number;
  /** Why fewer threads than asked for, or why no BLAS, if so. */
  note?: string;
  /** The BLAS that runs the matrix products (wasm only), if one does. */
  blas?: BlasInfo;
  /** The fused native kernels (wasm only), if they run. */
  native?: NativeInfo;
}

let current: BackendInfo | undefined;
let currentBlas: BlasMode | undefined;
let currentNative: NativeMode | undefined;
let wasmStarted: { threads: number; note?: string } | undefined;

/** The backend asked for by `TRM_BACKEND`, else `wasm`. */
export function defaultBackend(): BackendName {
  const env = Deno.env.get("TRM_BACKEND");
  if (env === undefined || env === "") return "wasm";
  if (!(BACKENDS as readonly string[]).includes(env)) {
    throw new Error(`TRM_BACKEND="${env}" is not a backend; choose one of ${BACKENDS.join(", ")}`);
  }
  return env as BackendName;
}

/** The native binding tfjs-node(-gpu) builds at install time, if the user installed it. */
function nativeBinding(pkg: string): string | undefined {
  const path = new URL(`../../node_modules/${pkg}/lib/napi-v8/tfjs_binding.node`, import.meta.url);
  try {
    Deno.statSync(path);
    return path.pathname;
  } catch {
    return undefined;
  }
}

async function loadTensorflow(): Promise<string> {
  // Looked for on disk first: importing an npm: specifier that is not installed
  // would fetch it from the registry and then fail for want of libtensorflow.
  const tried: string[] = [];
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    if (!nativeBinding(pkg)) {
      tried.push(`${pkg}: not installed`);
      continue;
    }
    try {
      await import(pkg);
      if (tf.findBackend("tensorflow")) return pkg;
      tried.push(`${pkg}: loaded but registered no "tensorflow" backend`);
    } catch (e) {
      tried.push(`${pkg}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    }
  }
  throw new Error(
    `the tensorflow backend is not installed (run \`deno task setup:gpu\` on a machine with internet and, for a GPU, CUDA):\n  ${
      tried.join("\n  ")
    }`,
  );
}

/** What `navigator.gpu.requestAdapter()` finds, described; undefined when there is none. */
export async function webgpuAdapter(): Promise<string | undefined> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return undefined;
  const adapter = await gpu.requestAdapter().catch(() => null) as
    | { info?: { description?: string; vendor?: string } }
    | null;
  if (!adapter) return undefined;
  return adapter.info?.description || adapter.info?.vendor || "unnamed adapter";
}

async function loadWebgpu(): Promise<string> {
  const adapter = await webgpuAdapter();
  if (!adapter) {
    throw new Error(
      "the webgpu backend needs a WebGPU adapter and navigator.gpu.requestAdapter() found none " +
        "(install GPU drivers, or `apt-get install -y mesa-vulkan-drivers` for a slow software one)",
    );
  }
  await import("@tensorflow/tfjs-backend-webgpu");
  return `@tensorflow/tfjs-backend-webgpu (${adapter})`;
}

/** Starts the wasm backend with `threads` threads if it can, else with one; says why not. */
async function startWasm(threads: number): Promise<{ threads: number; note?: string }> {
  await import("@tensorflow/tfjs-backend-wasm");
  if (threads > 1) {
    try {
      return await initWasmWithThreads(threads);
    } catch (e) {
      // Falls back to the single-threaded build (e.g. wasm was already started in this process).
      return { threads: 1, note: (e as Error).message };
    }
  }
  return { threads: 1 };
}

/**
 * Routes the wasm backend's matrix products to OpenBLAS or back to XNNPACK,
 * and picks the matMul gradient to match: BLAS multiplies transposed operands
 * at full speed, XNNPACK only after an explicit transpose.
 */
function configureBlas(mode: BlasMode, threads: number): { blas?: BlasInfo; note?: string } {
  if (mode === "off") {
    disableBlas();
    chooseKernels({ matMulGrad: "transposeFree" });
    return {};
  }
  try {
    const blas = enableBlas(threads);
    chooseKernels({ matMulGrad: "stock" });
    return { blas };
  } catch (e) {
    if (mode === "on") throw e;
    disableBlas();
    chooseKernels({ matMulGrad: "transposeFree" });
    const why = (e as Error).message.split("\n")[0]!;
    return { note: `matrix products on XNNPACK: ${why}` };
  }
}

/** Turns the fused native kernels on or off for the wasm backend (native.ts). */
async function configureNative(mode: NativeMode): Promise<{ native?: NativeInfo; note?: string }> {
  if (mode === "off") {
    chooseKernels({ native: false });
    useNativeCopies(false);
    return {};
  }
  try {
    const native = await enableNative();
    chooseKernels({ native: true });
    useNativeCopies(true);
    return { native };
  } catch (e) {
    if (mode === "on") throw e;
    chooseKernels({ native: false });
    useNativeCopies(false);
    return { note: `SwiGLU and RMSNorm on tfjs kernels: ${(e as Error).message.split("\n")[0]}` };
  }
}

/**
 * Makes `name` the active backend (default: `TRM_BACKEND` or wasm) and
 * returns what was chosen. `threads` (wasm only): kernel threads, 0 = one per
 * core; the wasm module is built once per process, so the first call decides.
 * `blas` (wasm only, default "auto"): see {@link BLAS_MODES}; `native` (wasm
 * only, default "auto"): see {@link NATIVE_MODES}. `layers`
 * (default "fast"): the network's layers as fast kernels or as the readable
 * expressions (kernels.ts); the matMul gradient follows the backend and BLAS.
 * Calling it again with the same choices is free.
 */
export async function useBackend(
  name: BackendName = defaultBackend(),
  opts: {
    threads?: number;
    blas?: BlasMode;
    native?: NativeMode;
    layers?: KernelChoice["layers"];
  } = {},
): Promise<BackendInfo> {
  chooseKernels({ layers: opts.layers ?? "fast" });
  const blasMode = opts.blas ?? "auto", nativeMode = opts.native ?? "auto";
  for (const [what, mode] of [["blas", blasMode], ["native", nativeMode]]) {
    if (!(BLAS_MODES as readonly string[]).includes(mode!)) {
      throw new Error(`unknown ${what} mode "${mode}"; choose one of ${BLAS_MODES.join(", ")}`);
    }
  }
  if (
    current?.name === name && tf.getBackend() === name && currentBlas === blasMode &&
    currentNative === nativeMode
  ) {
    return current;
  }
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`unknown backend "${name}"; choose one of ${BACKENDS.join(", ")}`);
  }
  let provider: string;
  let threads = { threads: 1 } as { threads: number; note?: string };
  switch (name) {
    case "wasm": {
      const want = opts.threads ?? 1;
      threads = wasmStarted ?? await startWasm(want === 0 ? navigator.hardwareConcurrency : want);
      wasmStarted = threads;
      provider = "@tensorflow/tfjs-backend-wasm";
      break;
    }
    case "cpu":
      await import("@tensorflow/tfjs-backend-cpu");
      provider = "@tensorflow/tfjs-backend-cpu";
      break;
    case "tensorflow":
      provider = await loadTensorflow();
      break;
    case "webgpu":
      provider = await loadWebgpu();
      break;
  }
  if (!(await tf.setBackend(name))) throw new Error(`backend "${name}" failed to initialise`);
  await tf.ready();
  if (name === "wasm") tuneWasmKernels();
  // Other backends multiply transposed operands as fast as plain ones.
  if (name !== "wasm") chooseKernels({ matMulGrad: "stock" });
  const blas = name === "wasm" ? configureBlas(blasMode, threads.threads) : {};
  const native = name === "wasm"
    ? await configureNative(nativeMode)
    : (chooseKernels({ native: false }), {});
  const notes = [threads.note, blas.note, native.note].filter((n) => n !== undefined);
  current = {
    name,
    provider,
    tfjsVersion: tf.version_core,
    threads: name === "wasm" ? threads.threads : 1,
    ...(notes.length ? { note: notes.join("; ") } : {}),
    ...(blas.blas ? { blas: { ...blas.blas } } : {}),
    ...(native.native ? { native: { ...native.native } } : {}),
  };
  currentBlas = blasMode;
  currentNative = nativeMode;
  return current;
}
