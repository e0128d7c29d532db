/**
 * Per-kernel wall time of a training step (`deno task bench --profile`).
 *
 * Every kernel registered for the active backend is wrapped with a timer for
 * the duration of the profile only, and put back after: the normal path never
 * sees a wrapper. Wasm kernels (XNNPACK, and OpenBLAS through FFI for
 * `BatchMatMul`, named `BatchMatMul (OpenBLAS)` here) run synchronously inside
 * their kernel function, so wall time per call is the kernel's own time. Times
 * are exclusive: a kernel that runs another through the engine is charged
 * without it. What the step spends outside every kernel (tfjs's tape and
 * bookkeeping, tidy and dispose, the kit's JavaScript, waiting for the result)
 * is one more row, so the rows add up to the step.
 *
 * Why not `tf.profile()`: it names kernels and, on wasm, times them the same
 * way, but it also records every kernel's shapes and memory, times custom
 * gradients' forward functions around the kernels inside them (counted twice),
 * and cannot tell OpenBLAS's product from XNNPACK's.
 *
 * On asynchronous backends (webgpu) a kernel function only queues work: the
 * times there are dispatch times, and the wait lands in the outside row.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { blasInfo } from "@kit/backend/mod.ts";

/** The row for the step's time outside every kernel. */
export const OUTSIDE = "(outside kernels)";

/** Calls and exclusive milliseconds of one kernel (or kernel and shapes) over the timed span. */
export interface KernelTally {
  calls: number;
  ms: number;
}

/** Timers around every kernel of one backend, until {@link KernelTimer.stop}. */
export interface KernelTimer {
  /** Tallies by label since the timers went on (or since the last reset). */
  readonly tally: ReadonlyMap<string, KernelTally>;
  reset(): void;
  /** Puts the original kernels back (those something else replaced meanwhile are left alone). */
  stop(): void;
}

/** One kernel's share of a profiled step. */
export interface KernelRow {
  kernel: string;
  calls_per_step: number;
  ms_per_step: number;
  /** Percent of the step. */
  pct: number;
}

/** Per-kernel times of a training step, averaged over `steps` steps. */
export interface StepProfile {
  steps: number;
  /** Wall time of a step with the timers on (a few percent above the plain step). */
  step_ms: number;
  /** Sum of the kernels' rows: step_ms minus the outside row. */
  kernels_ms: number;
  /** Slowest first; the outside row among them. */
  rows: KernelRow[];
}

/** What a kernel is called in the profile: `byShape` adds its input shapes and transpose flags. */
function labeler(
  kernelName: string,
  byShape: boolean,
): (args: Parameters<tf.KernelFunc>[0]) => string {
  const name = kernelName === "BatchMatMul" && blasInfo() ? "BatchMatMul (OpenBLAS)" : kernelName;
  if (!byShape) return () => name;
  return (args) => {
    const shapes = Object.values(args.inputs).map((t) => `[${t?.shape.join(",") ?? ""}]`);
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const flags = [
      attrs.transposeA ? "tA" : "",
      attrs.transposeB ? "tB" : "",
      Array.isArray(attrs.perm) ? `perm ${attrs.perm.join(",")}` : "",
    ].filter((f) => f !== "");
    return [name, shapes.join("x"), ...flags].join(" ");
  };
}

/**
 * Wraps every kernel registered for `backend` (default: the active one) with a
 * wall-clock timer. `byShape`: one tally per kernel and input shapes. `now`:
 * the clock in milliseconds (tests pass one that only their kernels advance).
 */
export function timeKernels(
  opts: { backend?: string; byShape?: boolean; now?: () => number } = {},
): KernelTimer {
  const backend = opts.backend ?? tf.getBackend();
  const now = opts.now ?? (() => performance.now());
  const tally = new Map<string, KernelTally>();
  // Milliseconds spent in kernels called from inside the kernel now running.
  let nested = 0;
  const wrapped: { original: tf.KernelConfig; kernelFunc: tf.KernelFunc }[] = [];
  for (const original of tf.getKernelsForBackend(backend)) {
    const label = labeler(original.kernelName, Boolean(opts.byShape));
    const inner = original.kernelFunc;
    const kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) => {
      const outer = nested;
      nested = 0;
      const t0 = now();
      try {
        return inner(args);
      } finally {
        const ms = now() - t0;
        const key = label(args);
        const t = tally.get(key) ?? { calls: 0, ms: 0 };
        t.calls++;
        t.ms += ms - nested;
        tally.set(key, t);
        nested = outer + ms;
      }
    }) as tf.KernelFunc;
    tf.unregisterKernel(original.kernelName, backend);
    tf.registerKernel({ ...original, kernelFunc });
    wrapped.push({ original, kernelFunc });
  }
  return {
    tally,
    reset: () => tally.clear(),
    stop: () => {
      for (const { original, kernelFunc } of wrapped.splice(0)) {
        if (tf.getKernel(original.kernelName, backend)?.kernelFunc !== kernelFunc) continue;
        tf.unregisterKernel(original.kernelName, backend);
        tf.registerKernel(original);
      }
    },
  };
}

/**
 * Profiles `steps` calls of `step` (warm it up first: the first step allocates
 * the optimiser's moments and compiles the kernels). The timers are on only
 * during these steps.
 */
export async function profileSteps(
  step: () => Promise<void>,
  steps: number,
  opts: { byShape?: boolean } = {},
): Promise<StepProfile> {
  const timer = timeKernels(opts);
  let ms: number;
  try {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    ms = performance.now() - t0;
  } finally {
    timer.stop();
  }
  return summarize(timer.tally, ms, steps);
}

/** Per-step rows from tallies over `steps` steps that took `totalMs`, slowest first. */
export function summarize(
  tally: ReadonlyMap<string, KernelTally>,
  totalMs: number,
  steps: number,
): StepProfile {
  const stepMs = totalMs / steps;
  let kernelsMs = 0;
  const rows: KernelRow[] = [];
  const row = (kernel: string, calls: number, ms: number) =>
    rows.push({
      kernel,
      calls_per_step: +(calls / steps).toFixed(2),
      ms_per_step: +ms.toFixed(3),
      pct: +(100 * ms / stepMs).toFixed(1),
    });
  for (const [kernel, t] of tally) {
    kernelsMs += t.ms / steps;
    row(kernel, t.calls, t.ms / steps);
  }
  row(OUTSIDE, 0, Math.max(0, stepMs - kernelsMs));
  rows.sort((a, b) => b.ms_per_step - a.ms_per_step || a.kernel.localeCompare(b.kernel));
  return { steps, step_ms: +stepMs.toFixed(3), kernels_ms: +kernelsMs.toFixed(3), rows };
}

/**
 * The profile as a fixed-width table, slowest first, cut after `top` rows (the
 * rest summed in one line), with the step's total under it.
 */
export function formatProfile(p: StepProfile, top = 30): string {
  const shown = p.rows.slice(0, top);
  const rest = p.rows.slice(top);
  const body = shown.map((r) => [
    r.kernel,
    r.kernel === OUTSIDE ? "-" : r.calls_per_step.toFixed(r.calls_per_step % 1 ? 2 : 0),
    r.ms_per_step.toFixed(2),
    r.pct.toFixed(1),
  ]);
  if (rest.length) {
    const sum = (f: (r: KernelRow) => number) => rest.reduce((s, r) => s + f(r), 0);
    body.push([
      `(${rest.length} more kernels)`,
      sum((r) => r.calls_per_step).toFixed(0),
      sum((r) => r.ms_per_step).toFixed(2),
      sum((r) => r.pct).toFixed(1),
    ]);
  }
  body.push(["step", "-", p.step_ms.toFixed(2), "100.0"]);
  const head = ["kernel", "calls/step", "ms/step", "% of step"];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join(" | ") +
    " |";
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
