/**
 * Native matrix products for the wasm backend: the `BatchMatMul` kernel is
 * replaced by one that calls OpenBLAS's `cblas_sgemm` through Deno's FFI,
 * directly on the wasm heap (tensors are not copied).
 *
 * Why: wasm SIMD is 128 bits wide, so XNNPACK's products top out near
 * 70 GFLOP/s on two cores of the build machine, and the transposed products
 * that gradients need run on a naive path unless transposed first
 * (`lib/model/layers.ts`). OpenBLAS (the BLAS PyTorch's CPU build on Debian
 * uses too) runs every product of a training step, transposed or not, at
 * 150-220 GFLOP/s there (`deno task bench` measures both). Everything else
 * stays on wasm.
 *
 * Optional: it needs the shared library (Debian: `apt-get install -y
 * libopenblas0-pthread`; or `TRM_BLAS_LIB=/path/to/libopenblas.so`) and FFI
 * permission (`-A` or `--allow-ffi`). Without them the kit runs on XNNPACK, as
 * before. Results agree with XNNPACK's to float32 rounding; a given machine,
 * thread count and library give the same numbers run after run.
 *
 * Written against `@tensorflow/tfjs-backend-wasm` 4.22.0: it reads tensor
 * offsets from the backend's `dataIdMap` and the heap from its Emscripten
 * module. `blas_test.ts` checks it against the stock kernel; re-run it after
 * upgrading.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Library names tried in order when `TRM_BLAS_LIB` is unset. */
const LIBRARIES = [
  "libopenblas.so.0",
  "libopenblas.so",
  "libopenblas.dylib",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
];

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32", // order
      "i32", // transA
      "i32", // transB
      "i32", // M
      "i32", // N
      "i32", // K
      "f32", // alpha
      "pointer", // A
      "i32", // lda
      "pointer", // B
      "i32", // ldb
      "f32", // beta
      "pointer", // C
      "i32", // ldc
    ],
    result: "void",
  },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
} as const;

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

type Blas = Deno.DynamicLibrary<typeof SYMBOLS>;

/** What {@link enableBlas} set up, recorded with every run. */
export interface BlasInfo {
  /** The library file that was opened. */
  library: string;
  /** OpenBLAS's own description (version, core type, threads), when it has one. */
  config?: string;
  threads: number;
}

/** The opened library, XNNPACK's kernel and the one that replaces it. */
let active:
  | { info: BlasInfo; lib: Blas; stock: tf.KernelConfig; kernel: tf.KernelFunc }
  | undefined;
let routed = false;

/** The BLAS in use for the wasm backend's matrix products, if any. */
export function blasInfo(): BlasInfo | undefined {
  return routed ? active?.info : undefined;
}

function openLibrary(threads: number): { lib: Blas; path: string } {
  // OpenBLAS's idle threads spin for 2^28 cycles (about 0.1 s) after each
  // product, on the core XNNPACK's second thread needs for the elementwise
  // kernels between products: steps were 10-25% slower and erratic. 2^4
  // cycles lets them sleep at once. Read when the library loads.
  if (Deno.env.get("OPENBLAS_THREAD_TIMEOUT") === undefined) {
    Deno.env.set("OPENBLAS_THREAD_TIMEOUT", "4");
  }
  // The thread count is set once per process, when the library loads, and
  // never changed: OpenBLAS keeps it in one global, and a product's rounding
  // depends on how many threads split it, so workers of one process (e.g.
  // `deno test --parallel`) that set different counts made each other's
  // results vary from run to run.
  if (Deno.env.get("OPENBLAS_NUM_THREADS") === undefined) {
    Deno.env.set("OPENBLAS_NUM_THREADS", String(threads));
  }
  const env = Deno.env.get("TRM_BLAS_LIB");
  const tried: string[] = [];
  for (const path of env ? [env] : LIBRARIES) {
    try {
      return { lib: Deno.dlopen(path, SYMBOLS), path };
    } catch (e) {
      tried.push(`${path}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(
    "no BLAS library could be opened (Debian: `apt-get install -y libopenblas0-pthread`, " +
      `or set TRM_BLAS_LIB):\n  ${tried.join("\n  ")}`,
  );
}

// The parts of the wasm backend this module reads.
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

/**
 * Routes the wasm backend's `BatchMatMul` through `cblas_sgemm`. Call after
 * the wasm backend is initialised. `threads`: BLAS threads, used when the
 * process first loads the library (`OPENBLAS_NUM_THREADS` wins if set); the
 * info says how many it has. Throws (changing nothing) if the library cannot
 * be opened.
 */
export function enableBlas(threads: number): BlasInfo {
  if (active) {
    route(active.stock, active.kernel);
    return active.info;
  }
  const stock = tf.getKernel("BatchMatMul", "wasm");
  if (!stock) throw new Error("enableBlas: the wasm backend is not registered");
  const { lib, path } = openLibrary(threads);
  const have = lib.symbols.openblas_get_num_threads?.() ?? threads;
  const configPtr = lib.symbols.openblas_get_config?.();
  const config = configPtr ? new Deno.UnsafePointerView(configPtr).getCString() : undefined;
  const sgemm = lib.symbols.cblas_sgemm;

  const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const backend = args.backend as unknown as WasmBackend;
    const dim = (t: tf.TensorInfo, fromEnd: number) => t.shape[t.shape.length - fromEnd]!;
    const m = dim(a, transposeA ? 1 : 2), k = dim(a, transposeA ? 2 : 1);
    const kb = dim(b, transposeB ? 1 : 2), n = dim(b, transposeB ? 2 : 1);
    const batchA = size(a.shape.slice(0, -2)), batchB = size(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    // What sgemm cannot take as it is (other dtypes, batch dims that broadcast
    // other than as a single matrix, a mismatch to report) goes to the stock kernel.
    if (
      a.dtype !== "float32" || b.dtype !== "float32" || k !== kb ||
      (batchA !== batchB && batchA !== 1 && batchB !== 1)
    ) {
      return stock.kernelFunc(args);
    }
    const outer = tf.broadcast_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
    const out = backend.makeOutput([...outer, m, n], "float32");
    const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
    if (m === 0 || n === 0) return out;
    // Read after makeOutput: allocating can grow (and replace) the heap's buffer.
    if (k === 0) {
      // A sum of nothing (XNNPACK's kernel leaves the output unwritten here).
      new Float32Array(backend.wasm.HEAPU8.buffer, at(out), batch * m * n).fill(0);
      return out;
    }
    const base = Deno.UnsafePointer.of(backend.wasm.HEAPU8 as Uint8Array<ArrayBuffer>)!;
    const offA = at(a), offB = at(b), offC = at(out);
    const strideA = batchA === 1 ? 0 : 4 * m * k;
    const strideB = batchB === 1 ? 0 : 4 * k * n;
    for (let i = 0; i < batch; i++) {
      sgemm(
        ROW_MAJOR,
        transposeA ? TRANS : NO_TRANS,
        transposeB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        1,
        Deno.UnsafePointer.offset(base, offA + i * strideA),
        transposeA ? m : k,
        Deno.UnsafePointer.offset(base, offB + i * strideB),
        transposeB ? k : n,
        0,
        Deno.UnsafePointer.offset(base, offC + i * 4 * m * n),
        n,
      );
    }
    return out;
  };
  const kernel = kernelFunc as tf.KernelFunc;
  active = { info: { library: path, config, threads: have }, lib, stock, kernel };
  route(stock, kernel);
  return active.info;
}

function route(stock: tf.KernelConfig, kernelFunc: tf.KernelFunc | undefined): void {
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel(kernelFunc ? { ...stock, kernelFunc } : stock);
  routed = kernelFunc !== undefined;
}

/** Puts XNNPACK's `BatchMatMul` back (the library stays open for a later {@link enableBlas}). */
export function disableBlas(): void {
  if (active && routed) route(active.stock, undefined);
}

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}
