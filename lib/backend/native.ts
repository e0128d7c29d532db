/**
 * Fused elementwise kernels in C (native/kernels.c), compiled on first use
 * with the machine's C compiler and called through Deno's FFI directly on the
 * wasm backend's heap, as blas.ts does for the matrix products.
 *
 * Why native code: the elementwise work around the products is memory-bound,
 * and tfjs runs it as one kernel per operation, each reading and writing the
 * whole tensor. SwiGLU's silu(gate)·up and its gradient took 9 kernels and
 * about 23% of a training step at the study shape (`deno task bench
 * --profile`); fused, they are 2 passes. RMSNorm (5 kernels forward, 5
 * backward, each also paying tfjs's per-kernel overhead) is 1 each way, and
 * so is attention's scaled softmax. The library is built once per
 * machine, source and compiler into `$TRM_NATIVE_CACHE` (default
 * `~/.cache/trm-kit`), with `-march=native`, so it is never shared between
 * different CPUs. Without a compiler (`$CC`, else `cc`) the kit keeps tfjs's
 * kernels (fast_layers.ts): the same values within fp32 rounding
 * (native_test.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { runCommand } from "../util/command.ts";
import { cpuInfoLine } from "../util/machine.ts";

/** What {@link enableNative} set up, recorded with every run. */
export interface NativeInfo {
  /** The compiled library. */
  library: string;
  /** The compiler's first line of `--version`. */
  compiler: string;
}

const SYMBOLS = {
  trm_silu_gate: { parameters: ["pointer", "pointer", "pointer", "i64"], result: "void" },
  trm_silu_gate_grad: {
    parameters: ["pointer", "pointer", "pointer", "pointer", "pointer", "i64"],
    result: "void",
  },
  trm_rms_norm: {
    parameters: ["pointer", "pointer", "pointer", "i64", "i64", "f32"],
    result: "void",
  },
  trm_add_rms_norm: {
    parameters: ["pointer", "pointer", "pointer", "pointer", "i64", "i64", "f32"],
    result: "void",
  },
  trm_rms_norm_grad: {
    parameters: ["pointer", "pointer", "pointer", "pointer", "i64", "i64"],
    result: "void",
  },
  trm_softmax: { parameters: ["pointer", "pointer", "i64", "i64", "f32"], result: "void" },
  trm_transpose: { parameters: ["pointer", "pointer", "i64", "i64", "i64"], result: "void" },
  trm_softmax_grad: {
    parameters: ["pointer", "pointer", "pointer", "i64", "i64", "f32"],
    result: "void",
  },
  trm_rope: {
    parameters: ["pointer", "pointer", "pointer", "pointer", "i64", "i64", "i64"],
    result: "void",
  },
  trm_rope_grad: {
    parameters: ["pointer", "pointer", "pointer", "pointer", "i64", "i64", "i64"],
    result: "void",
  },
  trm_adam: {
    parameters: [
      ...["pointer", "pointer", "pointer", "pointer", "pointer", "pointer", "pointer", "i64"],
      ...["f32", "f32", "f32", "f32", "f32", "f32", "f32", "i32"],
    ],
    result: "void",
  },
  trm_copy_blocks: {
    parameters: ["pointer", "pointer", "i64", "i64", "i64", "i64"],
    result: "void",
  },
} as const;

/** Kernel names registered for the wasm backend. */
export const NATIVE_KERNELS = {
  siluGate: "TrmSiluGate",
  siluGateGrad: "TrmSiluGateGrad",
  rmsNorm: "TrmRmsNorm",
  rmsNormGrad: "TrmRmsNormGrad",
  addRmsNorm: "TrmAddRmsNorm",
  softmax: "TrmSoftmax",
  softmaxGrad: "TrmSoftmaxGrad",
  rope: "TrmRope",
  ropeGrad: "TrmRopeGrad",
  adam: "TrmAdam",
} as const;

const SOURCE = new URL("./native/kernels.c", import.meta.url);

let active: { info: NativeInfo; lib: Deno.DynamicLibrary<typeof SYMBOLS> } | undefined;
/** Whether the wasm backend's Transpose, SplitV and Concat run natively where they can (see {@link useNativeCopies}). */
let nativeCopies = false;

/** The native kernels in use, if {@link enableNative} succeeded. */
export function nativeInfo(): NativeInfo | undefined {
  return active?.info;
}

function flags(): string[] {
  const cpu = Deno.build.arch === "aarch64" ? "-mcpu=native" : "-march=native";
  return ["-O3", cpu, "-fno-math-errno", "-fno-trapping-math", "-shared", "-fPIC"];
}

function cacheDir(): string {
  const env = Deno.env.get("TRM_NATIVE_CACHE");
  if (env) return env;
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "."}/.cache`;
  return `${base}/trm-kit`;
}

/** What makes a build unique to this machine: its CPU (model and features) and name. */
function machineKey(): string {
  // Off Linux the hostname and target stand for the CPU.
  const cpu = ["model name", "flags"].map((k) => cpuInfoLine(k) ?? "").join("\n");
  return `${Deno.build.target}\n${Deno.hostname()}\n${cpu}`;
}

async function sha256(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Compiles kernels.c for this machine with `cc` (default `$CC`, else `cc`)
 * unless a build of the same source is cached; returns where it is.
 */
export async function buildNative(cc = Deno.env.get("CC") || "cc"): Promise<NativeInfo> {
  const version = await runCommand(cc, ["--version"]);
  if (!version.ok) {
    throw new Error(`no C compiler (${cc}) for the native kernels: ${version.err.trim()}`);
  }
  const compiler = version.out.split("\n")[0]!.trim();
  const source = await Deno.readTextFile(SOURCE);
  const key = await sha256([source, compiler, flags().join(" "), machineKey()].join("\n---\n"));
  const ext = Deno.build.os === "darwin" ? "dylib" : Deno.build.os === "windows" ? "dll" : "so";
  const dir = cacheDir();
  const library = `${dir}/kernels-${key.slice(0, 16)}.${ext}`;
  try {
    Deno.statSync(library);
    return { library, compiler };
  } catch { /* not built yet */ }
  await Deno.mkdir(dir, { recursive: true });
  // Built under a private name and renamed: runs that start together never load half a file.
  const tmp = `${library}.${Deno.pid}.tmp`;
  const r = await runCommand(cc, [...flags(), "-o", tmp, SOURCE.pathname]);
  if (!r.ok) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`${cc} could not build ${SOURCE.pathname}:\n${r.err.trim()}`);
  }
  await Deno.rename(tmp, library);
  return { library, compiler };
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(id: unknown): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
}

/** Pointers to the heap of the wasm backend: read after every makeOutput, which can grow it. */
function pointers(backend: WasmBackend, ts: tf.TensorInfo[]): Deno.PointerValue[] {
  const base = Deno.UnsafePointer.of(backend.wasm.HEAPU8 as Uint8Array<ArrayBuffer>)!;
  return ts.map((t) =>
    Deno.UnsafePointer.offset(base, backend.dataIdMap.get(t.dataId).memoryOffset)
  );
}

function float32(kernel: string, ts: tf.TensorInfo[], shape = ts[0]!.shape): void {
  for (const t of ts) {
    if (t.dtype !== "float32" || t.shape.join(",") !== shape.join(",")) {
      throw new Error(`${kernel}: inputs must be float32 tensors of shape [${shape}]`);
    }
  }
}

/**
 * Routes the wasm backend's data movement on float32 tensors to native
 * copies, or back: `Transpose` where it swaps the last two axes (matMul
 * gradients without BLAS, the sequence mixer), and `SplitV` and `Concat`
 * along any axis (the fused weights' split once per supervision step and its
 * gradient, multi-scale z). Wasm ran a split along the last axis in a
 * generic loop: 4% of a step at the mlp 512 bench shape. Everything else
 * keeps the kernel registered before (wasm_kernels.ts's, or wasm's own).
 * The values are the same bytes either way.
 */
export function useNativeCopies(on: boolean): void {
  nativeCopies = on && active !== undefined;
}

function registerTranspose(lib: Deno.DynamicLibrary<typeof SYMBOLS>): void {
  const previous = previousKernel("Transpose");
  const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const perm = (args.attrs as { perm: number[] }).perm;
    const r = x.shape.length;
    const swapsLastTwo = r >= 2 && perm[r - 2] === r - 1 && perm[r - 1] === r - 2 &&
      perm.slice(0, r - 2).every((p, i) => p === i);
    if (!nativeCopies || x.dtype !== "float32" || !swapsLastTwo) {
      return previous.kernelFunc(args);
    }
    const b = args.backend as unknown as WasmBackend;
    const out = b.makeOutput(perm.map((p) => x.shape[p]!), "float32");
    const rows = x.shape[r - 2]!, cols = x.shape[r - 1]!;
    const batch = tf.util.sizeFromShape(x.shape.slice(0, r - 2));
    if (batch * rows * cols === 0) return out;
    const [xp, yp] = pointers(b, [x, out]);
    lib.symbols.trm_transpose(xp!, yp!, BigInt(batch), BigInt(rows), BigInt(cols));
    return out;
  };
  tf.unregisterKernel("Transpose", "wasm");
  tf.registerKernel({ ...previous, kernelFunc: kernelFunc as tf.KernelFunc });
}

/** `kernel`'s wasm implementation, to fall back on; throws before the wasm backend is registered. */
function previousKernel(kernel: string): tf.KernelConfig {
  const previous = tf.getKernel(kernel, "wasm");
  if (!previous) throw new Error("native kernels: the wasm backend is not registered");
  return previous;
}

/** Byte offset `floats` float32 values past `p`. */
function plus(p: Deno.PointerValue, floats: number): Deno.PointerValue {
  return Deno.UnsafePointer.offset(p as Deno.PointerObject, floats * 4);
}

/**
 * SplitV and Concat of float32 tensors as one block copy per piece: a piece
 * of a tensor [...outer, a, ...inner] split or joined at axis a is `outer`
 * runs of (its extent along a) x inner values.
 */
function registerCopies(lib: Deno.DynamicLibrary<typeof SYMBOLS>): void {
  const around = (shape: number[], axis: number) => ({
    blocks: tf.util.sizeFromShape(shape.slice(0, axis)),
    inner: tf.util.sizeFromShape(shape.slice(axis + 1)),
  });
  const split = previousKernel("SplitV");
  const splitFunc = (args: Parameters<tf.KernelFunc>[0]) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (!nativeCopies || x.dtype !== "float32") return split.kernelFunc(args);
    const attrs = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
    const b = args.backend as unknown as WasmBackend;
    const outs = sizes.map((n) =>
      b.makeOutput(x.shape.map((d, i) => i === axis ? n : d), "float32")
    );
    const { blocks, inner } = around(x.shape, axis);
    const [xp, ...ps] = pointers(b, [x, ...outs]);
    let start = 0;
    sizes.forEach((n, i) => {
      if (blocks * n * inner > 0) {
        lib.symbols.trm_copy_blocks(
          plus(xp!, start * inner),
          ps[i]!,
          BigInt(blocks),
          BigInt(n * inner),
          BigInt(x.shape[axis]! * inner),
          BigInt(n * inner),
        );
      }
      start += n;
    });
    return outs;
  };
  const concat = previousKernel("Concat");
  const concatFunc = (args: Parameters<tf.KernelFunc>[0]) => {
    const xs = args.inputs as unknown as tf.TensorInfo[];
    if (!nativeCopies || xs.some((t) => t.dtype !== "float32")) return concat.kernelFunc(args);
    const axis = tf.util.parseAxisParam((args.attrs as { axis: number }).axis, xs[0]!.shape)[0]!;
    const shapes = xs.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const b = args.backend as unknown as WasmBackend;
    const out = b.makeOutput(tf.backend_util.computeOutShape(shapes, axis), "float32");
    const { blocks, inner } = around(out.shape, axis);
    const [op, ...ps] = pointers(b, [out, ...xs]);
    let start = 0;
    xs.forEach((t, i) => {
      const n = t.shape[axis]!;
      if (blocks * n * inner > 0) {
        lib.symbols.trm_copy_blocks(
          ps[i]!,
          plus(op!, start * inner),
          BigInt(blocks),
          BigInt(n * inner),
          BigInt(n * inner),
          BigInt(out.shape[axis]! * inner),
        );
      }
      start += n;
    });
    return out;
  };
  for (const [previous, kernelFunc] of [[split, splitFunc], [concat, concatFunc]] as const) {
    tf.unregisterKernel(previous.kernelName, "wasm");
    tf.registerKernel({ ...previous, kernelFunc: kernelFunc as tf.KernelFunc });
  }
}

/** Registers `f` as kernel `name` of the wasm backend. */
function wasmKernel(
  name: string,
  f: (
    inputs: Record<string, tf.TensorInfo>,
    backend: WasmBackend,
    attrs: Record<string, number>,
  ) => tf.TensorInfo | tf.TensorInfo[],
): void {
  tf.registerKernel({
    kernelName: name,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) =>
      f(
        inputs as Record<string, tf.TensorInfo>,
        backend as unknown as WasmBackend,
        attrs as unknown as Record<string, number>,
      ),
  });
}

function register(lib: Deno.DynamicLibrary<typeof SYMBOLS>): void {
  registerTranspose(lib);
  registerCopies(lib);
  const size = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape);
  wasmKernel(NATIVE_KERNELS.siluGate, (inputs, b) => {
    const { gate, up } = inputs as Record<"gate" | "up", tf.TensorInfo>;
    float32(NATIVE_KERNELS.siluGate, [gate, up]);
    const out = b.makeOutput(gate.shape, "float32");
    const [g, u, o] = pointers(b, [gate, up, out]);
    lib.symbols.trm_silu_gate(g!, u!, o!, BigInt(size(gate)));
    return out;
  });
  wasmKernel(NATIVE_KERNELS.siluGateGrad, (inputs, b) => {
    const { dy, gate, up } = inputs as Record<"dy" | "gate" | "up", tf.TensorInfo>;
    float32(NATIVE_KERNELS.siluGateGrad, [dy, gate, up]);
    const dGate = b.makeOutput(gate.shape, "float32");
    const dUp = b.makeOutput(gate.shape, "float32");
    const [d, g, u, dg, du] = pointers(b, [dy, gate, up, dGate, dUp]);
    lib.symbols.trm_silu_gate_grad(d!, g!, u!, dg!, du!, BigInt(size(gate)));
    return [dGate, dUp];
  });
  // RMSNorm over the last axis: outputs y and r = 1/rms per row ([..., 1]).
  const rowsOf = (t: tf.TensorInfo) => BigInt(size(t) / t.shape.at(-1)!);
  wasmKernel(NATIVE_KERNELS.rmsNorm, (inputs, b, attrs) => {
    const { x } = inputs as Record<"x", tf.TensorInfo>;
    float32(NATIVE_KERNELS.rmsNorm, [x]);
    const y = b.makeOutput(x.shape, "float32");
    const r = b.makeOutput([...x.shape.slice(0, -1), 1], "float32");
    const [xp, yp, rp] = pointers(b, [x, y, r]);
    const { eps } = attrs as { eps: number };
    lib.symbols.trm_rms_norm(xp!, yp!, rp!, rowsOf(x), BigInt(x.shape.at(-1)!), eps);
    return [y, r];
  });
  wasmKernel(NATIVE_KERNELS.addRmsNorm, (inputs, b, attrs) => {
    const { a, b: c } = inputs as Record<"a" | "b", tf.TensorInfo>;
    float32(NATIVE_KERNELS.addRmsNorm, [a, c]);
    const y = b.makeOutput(a.shape, "float32");
    const r = b.makeOutput([...a.shape.slice(0, -1), 1], "float32");
    const [ap, cp, yp, rp] = pointers(b, [a, c, y, r]);
    const { eps } = attrs as { eps: number };
    lib.symbols.trm_add_rms_norm(ap!, cp!, yp!, rp!, rowsOf(a), BigInt(a.shape.at(-1)!), eps);
    return [y, r];
  });
  wasmKernel(NATIVE_KERNELS.rmsNormGrad, (inputs, b) => {
    const { dy, y, r } = inputs as Record<"dy" | "y" | "r", tf.TensorInfo>;
    float32(NATIVE_KERNELS.rmsNormGrad, [dy, y]);
    float32(NATIVE_KERNELS.rmsNormGrad, [r], [...y.shape.slice(0, -1), 1]);
    const dx = b.makeOutput(y.shape, "float32");
    const [d, yp, rp, dxp] = pointers(b, [dy, y, r, dx]);
    lib.symbols.trm_rms_norm_grad(d!, yp!, rp!, dxp!, rowsOf(y), BigInt(y.shape.at(-1)!));
    return dx;
  });
  // Softmax of scale·x over the last axis (attention's scores), and its gradient from y.
  wasmKernel(NATIVE_KERNELS.softmax, (inputs, b, attrs) => {
    const { x } = inputs as Record<"x", tf.TensorInfo>;
    float32(NATIVE_KERNELS.softmax, [x]);
    const y = b.makeOutput(x.shape, "float32");
    const [xp, yp] = pointers(b, [x, y]);
    const { scale } = attrs as { scale: number };
    lib.symbols.trm_softmax(xp!, yp!, rowsOf(x), BigInt(x.shape.at(-1)!), scale);
    return y;
  });
  wasmKernel(NATIVE_KERNELS.softmaxGrad, (inputs, b, attrs) => {
    const { dy, y } = inputs as Record<"dy" | "y", tf.TensorInfo>;
    float32(NATIVE_KERNELS.softmaxGrad, [dy, y]);
    const dx = b.makeOutput(y.shape, "float32");
    const [d, yp, dxp] = pointers(b, [dy, y, dx]);
    const { scale } = attrs as { scale: number };
    lib.symbols.trm_softmax_grad(d!, yp!, dxp!, rowsOf(y), BigInt(y.shape.at(-1)!), scale);
    return dx;
  });
  // RoPE on [..., L, hd] with [L, hd] tables, and its gradient (the same shapes).
  const rope = (name: string, f: typeof lib.symbols.trm_rope) =>
    wasmKernel(name, (inputs, b) => {
      const { x, cos, sin } = inputs as Record<"x" | "cos" | "sin", tf.TensorInfo>;
      float32(name, [x]);
      float32(name, [cos, sin], x.shape.slice(-2));
      const y = b.makeOutput(x.shape, "float32");
      const [xp, cp, sp, yp] = pointers(b, [x, cos, sin, y]);
      f(xp!, cp!, sp!, yp!, rowsOf(x), BigInt(cos.shape[0]!), BigInt(x.shape.at(-1)!));
      return y;
    });
  rope(NATIVE_KERNELS.rope, lib.symbols.trm_rope);
  rope(NATIVE_KERNELS.ropeGrad, lib.symbols.trm_rope_grad);
  wasmKernel(NATIVE_KERNELS.adam, (inputs, b, attrs) => {
    const { p, g, m, v } = inputs as Record<"p" | "g" | "m" | "v", tf.TensorInfo>;
    float32(NATIVE_KERNELS.adam, [p, g, m, v]);
    const outs = [p, m, v].map(() => b.makeOutput(p.shape, "float32"));
    const [pp, gp, mp, vp, po, mo, vo] = pointers(b, [p, g, m, v, ...outs]);
    const a = attrs as unknown as AdamStep;
    lib.symbols.trm_adam(
      ...[pp!, gp!, mp!, vp!, po!, mo!, vo!, BigInt(size(p))] as const,
      ...[a.beta1, a.beta2, a.c1, a.c2, a.lr, a.weightDecay, a.eps, a.atan2 ? 1 : 0] as const,
    );
    return outs;
  });
}

/**
 * Builds (or finds) the native kernels and registers them for the wasm
 * backend, once per process. Throws, changing nothing, when they cannot be
 * built or loaded.
 */
export async function enableNative(): Promise<NativeInfo> {
  if (active) return active.info;
  const info = await buildNative();
  const lib = Deno.dlopen(info.library, SYMBOLS);
  register(lib);
  active = { info, lib };
  return info;
}

/** silu(gate)·up and its gradient, each one native kernel. */
export const siluGateNative = tf.customGrad(
  ((gate: tf.Tensor, up: tf.Tensor, save: tf.GradSaveFunc) => {
    save([gate, up]);
    return {
      value: tf.engine().runKernel(NATIVE_KERNELS.siluGate, { gate, up }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(NATIVE_KERNELS.siluGateGrad, {
          dy,
          gate: saved[0]!,
          up: saved[1]!,
        }) as tf.Tensor[],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as (gate: tf.Tensor, up: tf.Tensor) => tf.Tensor;

/** RMSNorm over the last axis (no scale) and its gradient, each one native kernel. */
export function rmsNormNative(x: tf.Tensor, eps: number): tf.Tensor {
  const f = tf.customGrad(
    ((xi: tf.Tensor, save: tf.GradSaveFunc) => {
      const [y, r] = tf.engine().runKernel(
        NATIVE_KERNELS.rmsNorm,
        { x: xi },
        { eps } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
      save([y!, r!]);
      return {
        value: y!,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.engine().runKernel(NATIVE_KERNELS.rmsNormGrad, {
            dy,
            y: saved[0]!,
            r: saved[1]!,
          }) as tf.Tensor,
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  ) as unknown as (x: tf.Tensor) => tf.Tensor;
  return f(x);
}

/**
 * RMSNorm of a + b over the last axis, one native kernel (the sum is not a
 * tensor of its own); its gradient is RMSNorm's, the same for a and b.
 */
export function addRmsNormNative(a: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const f = tf.customGrad(
    ((ai: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
      const [y, r] = tf.engine().runKernel(
        NATIVE_KERNELS.addRmsNorm,
        { a: ai, b: bi },
        { eps } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
      save([y!, r!]);
      return {
        value: y!,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const dx = tf.engine().runKernel(NATIVE_KERNELS.rmsNormGrad, {
            dy,
            y: saved[0]!,
            r: saved[1]!,
          }) as tf.Tensor;
          // One tensor per input: the engine frees each input's gradient on its own.
          return [dx, tf.clone(dx)];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  ) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return f(a, b);
}

/**
 * Rotary embedding of x [..., L, hd] with tables cos, sin [L, hd]:
 * x·cos + rotate_half(x)·sin, and its gradient, each one native kernel. The
 * tables are constants (no gradient).
 */
export function ropeNative(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const f = tf.customGrad(
    ((xi: tf.Tensor) => ({
      value: tf.engine().runKernel(NATIVE_KERNELS.rope, { x: xi, cos, sin }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor) =>
        tf.engine().runKernel(NATIVE_KERNELS.ropeGrad, { x: dy, cos, sin }) as tf.Tensor,
    })) as unknown as Parameters<typeof tf.customGrad>[0],
  ) as unknown as (x: tf.Tensor) => tf.Tensor;
  return f(x);
}

/** The numbers of one Adam step ({@link adamNative}). */
export interface AdamStep {
  beta1: number;
  beta2: number;
  /** Bias corrections 1 - beta^t. */
  c1: number;
  c2: number;
  lr: number;
  weightDecay: number;
  /** AdamW's epsilon (unused with atan2). */
  eps: number;
  /** AdamATan2's step atan2(m̂, sqrt(v̂)) instead of AdamW's m̂ / (sqrt(v̂) + eps). */
  atan2: boolean;
}

/**
 * One Adam step for a parameter p with gradient g and moments m, v, as one
 * native pass: returns the new [p, m, v]. tfjs's ops took 14 kernels per
 * parameter, 5-6% of a training step at hidden 512.
 */
export function adamNative(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  step: AdamStep,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(
    NATIVE_KERNELS.adam,
    { p, g, m, v },
    step as unknown as tf.NamedAttrMap,
  ) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** softmax(scale·x) over the last axis and its gradient, each one native kernel. */
export function softmaxNative(x: tf.Tensor, scale: number): tf.Tensor {
  const attrs = { scale } as unknown as tf.NamedAttrMap;
  const f = tf.customGrad(
    ((xi: tf.Tensor, save: tf.GradSaveFunc) => {
      const y = tf.engine().runKernel(NATIVE_KERNELS.softmax, { x: xi }, attrs) as tf.Tensor;
      save([y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.engine().runKernel(
            NATIVE_KERNELS.softmaxGrad,
            { dy, y: saved[0]! },
            attrs,
          ) as tf.Tensor,
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0],
  ) as unknown as (x: tf.Tensor) => tf.Tensor;
  return f(x);
}
