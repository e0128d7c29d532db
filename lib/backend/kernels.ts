/**
 * Which implementation of the network's parts runs: the one switch between
 * the readable layers of lib/model/layers.ts and their faster equivalents
 * (fast_layers.ts). The backend room owns it and `useBackend` sets it, once
 * per backend choice; the model only reads it. Both choices compute the
 * same values (lib/model/layers_test.ts, layers_fast_test.ts).
 *
 * @module
 */

/** The kernel choices the model reads. */
export interface KernelChoice {
  /**
   * matMul's gradient: `transposeFree` transposes explicitly and then runs
   * plain products (XNNPACK multiplies transposed operands 12-35x slower);
   * `stock` is tfjs's own, for backends and BLAS that multiply them at full speed.
   */
  matMulGrad: "transposeFree" | "stock";
  /**
   * `fast`: closed-form gradients of RMSNorm and SwiGLU, attention's q, k, v
   * projected one by one; `readable`: the plain expressions, autodiffed
   * (`deno task bench --stockLayers`).
   */
  layers: "fast" | "readable";
  /**
   * With `fast` layers on wasm: SwiGLU, RMSNorm and attention's scaled
   * softmax as one fused native kernel forward and one backward each
   * (native.ts) instead of tfjs's chains.
   * `useBackend` sets it only where the kernels are built and registered.
   */
  native: boolean;
}

let choice: Readonly<KernelChoice> = { matMulGrad: "transposeFree", layers: "fast", native: false };

/** The kernels in use. */
export function kernelChoice(): Readonly<KernelChoice> {
  return choice;
}

/**
 * Sets some of the choices and returns the previous ones (so a test can put
 * them back). `useBackend` calls it; a test compares both ways with it.
 */
export function chooseKernels(next: Partial<KernelChoice>): Readonly<KernelChoice> {
  const previous = choice;
  choice = { ...choice, ...next };
  return previous;
}
