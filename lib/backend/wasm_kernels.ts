/**
 * Three wasm kernels replaced by faster equivalents that give identical
 * results. Written against `@tensorflow/tfjs-backend-wasm` 4.22.0 (they read
 * the backend's tensor table and heap); `wasm_kernels_test.ts` pins the
 * behaviour.
 *
 * **Identity shares its input's memory** instead of copying it, as the cpu
 * backend's does and as wasm's own `Reshape` already does. tfjs clones every
 * tensor it saves for the backward pass (`Engine.saveTensorsForBackwardMode`,
 * and `tf.clone`), and wasm's stock Identity copies the bytes: about 50 ms of
 * a 1.1 s training step at the bench's anchor shape went to these copies.
 * Sharing is safe because tfjs tensors are immutable: no kernel writes into an
 * input, and `Variable.assign` rebinds a variable to new data instead of
 * overwriting it. The backend frees the memory when the last tensor using it
 * is disposed (its reference count, the same mechanism Reshape relies on).
 *
 * **Tile** (what `tf.broadcastTo`, and `tf.where` with a broadcast condition,
 * run) copies whole rows of the last axis instead of computing every
 * element's index: wasm's generic loop took 25 ms to spread y_init over
 * [32, 81, 128], the row copies about 1 ms.
 *
 * **2-D transposes whose output rows are a multiple of 4 KB apart** (4096 rows
 * of floats: batch x hidden = 32 x 128 in the sequence mixer) run in 8x8
 * blocks in JavaScript. Wasm's loop writes such an output column by column
 * into addresses that share one cache set, 7.3 ms for [4096, 256] against
 * 2.6 ms in blocks; other shapes keep the stock kernel, which is faster there.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

interface WasmBackend {
  incRef(dataId: unknown): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let tuned = false;

/** Registers the three kernels for the wasm backend (once; later calls do nothing). */
export function tuneWasmKernels(): void {
  if (tuned) return;
  shareIdentityMemory();
  tileByRows();
  blockTransposes();
  tuned = true;
}

function shareIdentityMemory(): void {
  const stock = tf.getKernel("Identity", "wasm");
  if (!stock) throw new Error("shareIdentityMemory: the wasm backend is not registered");
  const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === "string") return stock.kernelFunc(args);
    (args.backend as unknown as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({ ...stock, kernelFunc: kernelFunc as tf.KernelFunc });
}

function tileByRows(): void {
  const stock = tf.getKernel("Tile", "wasm");
  if (!stock) throw new Error("tuneWasmKernels: the wasm backend is not registered");
  const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const reps = (args.attrs as { reps: number[] }).reps;
    if (x.dtype === "string" || x.shape.length === 0) return stock.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(x.shape.map((d, i) => d * reps[i]!), x.dtype);
    // Views taken after makeOutput, which can grow the heap.
    tileRows(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), x.shape, reps);
    return out;
  };
  tf.unregisterKernel("Tile", "wasm");
  tf.registerKernel({ ...stock, kernelFunc: kernelFunc as tf.KernelFunc });
}

/**
 * dst = src tiled `reps` times along each axis, one row of the last axis at a
 * time: each output row is its source row repeated (a fill when that row is
 * one element long).
 */
function tileRows<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  dst: T,
  shape: number[],
  reps: number[],
): void {
  const r = shape.length, last = shape[r - 1]!, times = reps[r - 1]!;
  const lead = shape.slice(0, -1), outLead = lead.map((d, i) => d * reps[i]!);
  const at = new Array<number>(r - 1).fill(0); // output row's index over the leading axes
  for (let row = 0, o = 0; o < dst.length; row++, o += last * times) {
    let from = 0;
    for (let i = 0; i < r - 1; i++) from = from * lead[i]! + (at[i]! % lead[i]!);
    const source = src.subarray(from * last, (from + 1) * last);
    if (last === 1) dst.fill(source[0]!, o, o + times);
    else for (let k = 0; k < times; k++) dst.set(source, o + k * last);
    for (let i = r - 2; i >= 0 && ++at[i]! === outLead[i]; i--) at[i] = 0;
  }
}

/** Output rows this many floats apart, or a multiple of it, alias in the cache. */
const ALIASING_STRIDE = 1024;
const BLOCK = 8;

function blockTransposes(): void {
  const stock = tf.getKernel("Transpose", "wasm");
  if (!stock) throw new Error("tuneWasmKernels: the wasm backend is not registered");
  const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const perm = (args.attrs as { perm: number[] }).perm;
    const r = x.shape.length;
    const swapsLastTwo = (r === 2 && perm[0] === 1) ||
      (r === 3 && perm[0] === 0 && perm[1] === 2 && perm[2] === 1);
    const rows = x.shape[r - 2]!, cols = x.shape[r - 1]!;
    if (
      x.dtype !== "float32" || !swapsLastTwo || rows % ALIASING_STRIDE !== 0 || cols < BLOCK
    ) {
      return stock.kernelFunc(args);
    }
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(perm.map((p) => x.shape[p]!), "float32");
    // Views taken after makeOutput, which can grow the heap.
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const batch = r === 3 ? x.shape[0]! : 1;
    for (let b = 0; b < batch; b++) transposeBlocked(src, dst, b * rows * cols, rows, cols);
    return out;
  };
  tf.unregisterKernel("Transpose", "wasm");
  tf.registerKernel({ ...stock, kernelFunc: kernelFunc as tf.KernelFunc });
}

/** dst[j, i] = src[i, j] for one [rows, cols] matrix at `at`, in BLOCK x BLOCK tiles. */
function transposeBlocked(
  src: Float32Array,
  dst: Float32Array,
  at: number,
  rows: number,
  cols: number,
): void {
  for (let i0 = 0; i0 < rows; i0 += BLOCK) {
    const i1 = Math.min(rows, i0 + BLOCK);
    for (let j0 = 0; j0 < cols; j0 += BLOCK) {
      const j1 = Math.min(cols, j0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        let s = at + i * cols + j0, d = at + j0 * rows + i;
        for (let j = j0; j < j1; j++, s++, d += rows) dst[d] = src[s]!;
      }
    }
  }
}
