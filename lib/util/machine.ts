/**
 * The machine a run ran on, recorded with it: fp32 results depend on the CPU
 * (OpenBLAS and the native kernels pick code paths by CPU), and so does speed.
 *
 * @module
 */

/** A line of /proc/cpuinfo (`model name`, `flags`), or undefined off Linux. */
export function cpuInfoLine(key: string): string | undefined {
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    return info.match(new RegExp(`^${key}\\s*:\\s*(.*)$`, "m"))?.[1];
  } catch {
    return undefined;
  }
}

/** What to record of the machine with a run. */
export interface Machine {
  /** The CPU's model name (Linux), else the architecture. */
  cpu: string;
  cores: number;
  target: string;
}

/** This machine. */
export function machine(): Machine {
  return {
    cpu: cpuInfoLine("model name") ?? Deno.build.arch,
    cores: navigator.hardwareConcurrency,
    target: Deno.build.target,
  };
}
