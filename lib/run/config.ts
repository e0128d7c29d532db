/**
 * The whole configuration of a run, { model, data, train, run }, and how it
 * is resolved: defaults <- preset <- overrides, then validated. Unknown keys
 * are errors that list the valid ones (the official code accepts them silently).
 *
 * Every leaf name is unique across sections, so `--latentSteps 4` and
 * `--model.latentSteps 4` mean the same; the paper's symbols are aliases.
 *
 * @module
 */
import { dataProblems, dataShape, defaultDataConfig } from "../data/config.ts";
import { defaultModelConfig, MODEL_CHOICES, modelProblems } from "../model/config.ts";
import { BACKENDS, BLAS_MODES, defaultBackend, NATIVE_MODES } from "../backend/mod.ts";
import { type Config, defaultTrainConfig, type RunConfig } from "../train/config.ts";
import { type PresetName, PRESETS, presets } from "./presets.ts";

export type { Config, RunConfig } from "../train/config.ts";

export const defaultRunConfig: RunConfig = {
  seed: 0,
  backend: "wasm",
  threads: 0,
  blas: "auto",
  native: "auto",
};

const defaults: Config = {
  model: defaultModelConfig,
  data: defaultDataConfig,
  train: defaultTrainConfig,
  run: defaultRunConfig,
};

/** Model fields that come from the data and cannot be set. */
const DERIVED = new Set(["vocabSize", "seqLen"]);

/** The paper's symbols, accepted as keys. */
export const ALIASES: Record<string, string> = {
  n: "latentSteps",
  T: "recursions",
  nsup: "supervisionSteps",
  Nsup: "supervisionSteps",
  N_sup: "supervisionSteps",
  D: "hiddenSize",
};

/** Allowed values of the string (and small-integer) choices. */
const CHOICES: Record<string, readonly (string | number)[]> = {
  ...MODEL_CHOICES,
  optimizer: ["adamAtan2", "adamw"],
  loss: ["stablemax", "softmax"],
  task: ["sudoku", "maze", "arc"],
  size: [4, 6, 9],
  backend: BACKENDS,
  blas: BLAS_MODES,
  native: NATIVE_MODES,
};

type Section = keyof Config;
const SECTIONS = Object.keys(defaults) as Section[];

/** Every settable key as "section.leaf". */
export function configKeys(): string[] {
  return SECTIONS.flatMap((s) =>
    Object.keys(defaults[s]).filter((k) => !DERIVED.has(k)).map((k) => `${s}.${k}`)
  );
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
    }
  }
  return d[a.length]![b.length]!;
}

/** Finds "section.leaf" for a key given as leaf, alias or section.leaf; throws with suggestions. */
export function findKey(key: string): [Section, string] {
  const name = ALIASES[key] ?? key;
  const dotted = name.includes(".") ? name.split(".") : undefined;
  for (const s of SECTIONS) {
    const leaf = dotted ? (dotted[0] === s ? dotted[1]! : undefined) : name;
    if (leaf !== undefined && leaf in defaults[s]) {
      if (DERIVED.has(leaf)) {
        throw new Error(`config key "${key}" is set from the data and cannot be overridden`);
      }
      return [s, leaf];
    }
  }
  const leaves = configKeys().map((k) => k.split(".")[1]!);
  const near = [...leaves, ...Object.keys(ALIASES)]
    .map((k) => {
      const typed = key.split(".").pop()!;
      // A typo of the whole name, or of its beginning ("hiden" -> "hiddenSize").
      const prefix = Math.min(
        editDistance(typed, k.slice(0, typed.length)),
        editDistance(typed, k.slice(0, typed.length + 1)),
      );
      return [k, Math.min(editDistance(typed, k), prefix + 1)] as const;
    })
    .filter(([, dist]) => dist <= 2)
    .sort((a, b) => a[1] - b[1])
    .map(([k]) => k);
  const hint = near.length ? ` (did you mean "${near[0]}"?)` : "";
  throw new Error(
    `unknown config key "${key}"${hint}; valid keys: ${leaves.join(", ")} (aliases: ${
      Object.keys(ALIASES).join(", ")
    })`,
  );
}

/** Parses a raw value to the type of the key's default, checking choices. */
function parseValue(section: Section, leaf: string, raw: unknown): unknown {
  const current = (defaults[section] as unknown as Record<string, unknown>)[leaf];
  let value: unknown = raw;
  if (typeof current === "number") {
    value = typeof raw === "number" ? raw : Number(String(raw).replace(/_/g, ""));
    if (typeof raw === "string" && raw.trim() === "" || !Number.isFinite(value)) {
      throw new Error(`config key "${leaf}" needs a number, got "${raw}"`);
    }
  } else if (typeof current === "boolean") {
    const s = String(raw).toLowerCase();
    if (["true", "1", "yes", "on"].includes(s)) value = true;
    else if (["false", "0", "no", "off"].includes(s)) value = false;
    else throw new Error(`config key "${leaf}" needs true or false, got "${raw}"`);
  } else value = String(raw);
  const choices = CHOICES[leaf];
  if (choices && !choices.includes(value as string | number)) {
    throw new Error(
      `config key "${leaf}" must be one of ${
        choices.map((c) => `"${c}"`).join(", ")
      }, got "${raw}"`,
    );
  }
  return value;
}

/**
 * Resolves a config: defaults, then the preset, then `overrides` (keys as
 * leaf, alias or section.leaf; values as strings or typed), then derived
 * fields and validation. The result is frozen.
 */
export function resolveConfig(
  preset: PresetName | string = "smoke",
  overrides: Record<string, unknown> = {},
): Config {
  if (!(PRESETS as readonly string[]).includes(preset)) {
    throw new Error(`unknown preset "${preset}"; choose one of ${PRESETS.join(", ")}`);
  }
  const p = presets[preset as PresetName];
  const cfg = Object.fromEntries(
    SECTIONS.map((s) => [s, { ...defaults[s], ...(p[s] ?? {}) }]),
  ) as unknown as Config;
  cfg.run.backend = defaultBackend(); // TRM_BACKEND, else wasm; --backend overrides it
  for (const [key, raw] of Object.entries(overrides)) {
    const [s, leaf] = findKey(key);
    (cfg[s] as unknown as Record<string, unknown>)[leaf] = parseValue(s, leaf, raw);
  }
  Object.assign(cfg.model, dataShape(cfg.data));
  const problems = [...modelProblems(cfg.model), ...dataProblems(cfg.data), ...trainProblems(cfg)];
  if (problems.length) throw new Error(`invalid config:\n  ${problems.join("\n  ")}`);
  for (const s of SECTIONS) Object.freeze(cfg[s]);
  return Object.freeze(cfg);
}

function trainProblems(cfg: Config): string[] {
  const t = cfg.train, out: string[] = [];
  if (!(Number.isInteger(t.accumulate) && t.accumulate > 0 && t.batchSize % t.accumulate === 0)) {
    out.push(
      `accumulate must be a positive integer dividing batchSize (${t.batchSize}), got ${t.accumulate}`,
    );
  }
  for (const k of ["batchSize", "evalBatchSize", "logEvery"] as const) {
    if (!(Number.isInteger(t[k]) && t[k] > 0)) {
      out.push(`${k} must be a positive integer, got ${t[k]}`);
    }
  }
  if (!(Number.isInteger(cfg.run.threads) && cfg.run.threads >= 0 && cfg.run.threads <= 8)) {
    out.push(`threads must be an integer from 0 (one per core) to 8, got ${cfg.run.threads}`);
  }
  if (!(t.steps >= 0)) out.push(`steps must not be negative, got ${t.steps}`);
  if (!(t.emaRate > 0 && t.emaRate < 1)) out.push(`emaRate must be in (0, 1), got ${t.emaRate}`);
  if (!(t.haltExploration >= 0 && t.haltExploration <= 1)) {
    out.push(`haltExploration must be in [0, 1], got ${t.haltExploration}`);
  }
  // Sudoku and Maze share one puzzle identifier (the reference's "<blank>");
  // ARC's table gets one row per augmented puzzle, sized from the data (withData).
  if (cfg.data.task !== "arc" && cfg.model.numPuzzleIds !== 1) {
    out.push(`numPuzzleIds must be 1 for ${cfg.data.task}, got ${cfg.model.numPuzzleIds}`);
  }
  return out;
}

/**
 * The config with what only the loaded data knows: the rows of the
 * puzzle-embedding table (ARC: one per augmented puzzle, plus "<blank>").
 */
export function withData(cfg: Config, data: { numPuzzleIds: number }): Config {
  if (cfg.model.numPuzzleIds === data.numPuzzleIds) return cfg;
  const model = Object.freeze({ ...cfg.model, numPuzzleIds: data.numPuzzleIds });
  return Object.freeze({ ...cfg, model });
}

/** The config as one flat record of leaves (for result tables and comparisons). */
export function flattenConfig(cfg: Config): Record<string, string | number | boolean> {
  return Object.assign({}, ...SECTIONS.map((s) => cfg[s]));
}

/**
 * Keys a resumed run may change: they say how long to train and how often to
 * log, evaluate and save, not what is trained (so `--resume --timeBudgetMin 60`
 * extends a run). `steps` is one of them only with a constant lr after
 * warm-up (lrMinRatio 1), where it does not shape the schedule.
 */
const SCHEDULE_KEYS = [
  "timeBudgetMin",
  "evalEvery",
  "evalLimit",
  "evalBatchSize",
  "checkpointEvery",
  "logEvery",
  "threads",
  "blas",
  "native",
];

/** Differences that forbid resuming `saved` as `cfg` ("key: a -> b"). */
export function resumeDiff(saved: Config, cfg: Config): string[] {
  const free = new Set(SCHEDULE_KEYS);
  if (saved.train.lrMinRatio === 1 && cfg.train.lrMinRatio === 1) free.add("steps");
  return configDiff(saved, cfg).filter((d) => !free.has(d.split(":")[0]!));
}

/** Leaves that differ between two configs, as "key: a -> b". */
export function configDiff(a: Config, b: Config): string[] {
  const fa = flattenConfig(a), fb = flattenConfig(b);
  return Object.keys({ ...fa, ...fb }).filter((k) => fa[k] !== fb[k]).map((k) =>
    `${k}: ${fa[k]} -> ${fb[k]}`
  );
}
