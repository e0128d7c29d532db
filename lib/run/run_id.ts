/**
 * Run identity: a stable short hash of the resolved config (seed included),
 * so the same config always maps to the same run folder.
 *
 * @module
 */
import type { Config } from "./config.ts";

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${
      Object.keys(v).sort().map((k) =>
        `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(v);
}

/**
 * Settings that never change a number a run reports: how many threads or
 * which BLAS multiply or whether SwiGLU runs natively (fp32 rounding aside), how often it checkpoints or logs,
 * and the memory limit (which only refuses a run). They are left out of the
 * hash, so a run found by its config is found whatever they were.
 */
const NOT_HASHED: Partial<Record<keyof Config, readonly string[]>> = {
  run: ["threads", "blas", "native"],
  train: ["checkpointEvery", "logEvery", "memoryLimitMb"],
};

/**
 * Keys added after run ids were first filed, with the value that means "as
 * before": hashed only when set to something else, so every earlier run keeps
 * its id.
 */
const HASHED_WHEN_SET: Partial<Record<keyof Config, Readonly<Record<string, unknown>>>> = {
  data: { augmentVersions: 0, dataSeed: -1 },
  train: { evalTrain: 0, evalRaw: false },
};

/** FNV-1a 32-bit over the canonical JSON of the config (less {@link NOT_HASHED}), as 8 hex digits. */
export function configHash(cfg: Config): string {
  const hashed = (section: keyof Config, k: string, v: unknown) => {
    if (NOT_HASHED[section]?.includes(k)) return false;
    const since = HASHED_WHEN_SET[section];
    return !(since && k in since && since[k] === v);
  };
  const kept = Object.fromEntries(
    Object.entries(cfg).map(([section, values]) => [
      section,
      Object.fromEntries(
        Object.entries(values as Record<string, unknown>).filter(([k, v]) =>
          hashed(section as keyof Config, k, v)
        ),
      ),
    ]),
  );
  const s = canonical(kept);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Default run folder: results/runs/<task><size>-<hash>. */
export function defaultRunFolder(cfg: Config): string {
  return `results/runs/${cfg.data.task}${cfg.data.size}-${configHash(cfg)}`;
}
