/**
 * A wasm `Identity` kernel that shares its input's memory instead of copying
 * it, as the cpu backend's does and as wasm's own `Reshape` already does.
 *
 * Why: tfjs clones every tensor it saves for the backward pass
 * (`Engine.saveTensorsForBackwardMode`, and `tf.clone`), and wasm's stock
 * Identity copies the bytes: about 50 ms of a 1.1 s training step at the
 * bench's anchor shape went to these copies. Sharing is safe because tfjs
 * tensors are immutable: no kernel writes into an input, and
 * `Variable.assign` rebinds a variable to new data instead of overwriting it.
 * The backend frees the memory when the last tensor using it is disposed
 * (its reference count, the same mechanism Reshape relies on).
 *
 * Written against `@tensorflow/tfjs-backend-wasm` 4.22.0;
 * `wasm_identity_test.ts` pins the behaviour.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

interface WasmBackend {
  incRef(dataId: unknown): void;
}

let shared = false;

/** Registers the sharing Identity for the wasm backend (once; later calls do nothing). */
export function shareIdentityMemory(): void {
  if (shared) return;
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
  shared = true;
}
