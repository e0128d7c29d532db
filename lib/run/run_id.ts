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

/** FNV-1a 32-bit over the canonical JSON of the config, as 8 hex digits. */
export function configHash(cfg: Config): string {
  const s = canonical(cfg);
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
