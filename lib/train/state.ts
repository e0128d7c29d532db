/**
 * A trainer's complete state as a tensor file, and back: weights, EMA,
 * optimiser moments, the per-row carry, step counter, sampler and
 * exploration RNG. Restoring it continues the run exactly where it stopped.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { defaultDataConfig } from "../data/config.ts";
import { defaultModelConfig, type ModelConfig } from "../model/config.ts";
import { type Weights, weightSpecs } from "../model/init.ts";
import type { Config } from "./config.ts";
import type { StoredTensor, TensorFile } from "../util/safetensors.ts";
import { defaultTrainConfig } from "./config.ts";
import type { Carry, Trainer } from "./trainer.ts";

/** Format tag written into every checkpoint. */
export const CHECKPOINT_FORMAT = "trm-kit-checkpoint/1";

async function stored(t: tf.Tensor): Promise<StoredTensor> {
  const isInt = t.dtype === "int32" || t.dtype === "bool";
  const data = isInt ? new Int32Array(await t.data()) : new Float32Array(await t.data());
  return { dtype: isInt ? "I32" : "F32", shape: t.shape.slice(), data };
}

/** Everything needed to resume, read from the backend once (at checkpoint time only). */
export async function trainerToFile(
  tr: Trainer,
  extra: Record<string, string> = {},
): Promise<TensorFile> {
  const tensors: Record<string, StoredTensor> = {};
  for (const [n, w] of Object.entries(tr.weights)) tensors[`w/${n}`] = await stored(w);
  for (const [n, w] of Object.entries(tr.ema?.shadow ?? {})) tensors[`ema/${n}`] = await stored(w);
  for (const [n, m] of tr.adam.m) tensors[`opt.m/${n}`] = await stored(m);
  for (const [n, v] of tr.adam.v) tensors[`opt.v/${n}`] = await stored(v);
  for (const [i, carry] of tr.carries.entries()) {
    for (const [n, c] of Object.entries(carry)) {
      tensors[`carry.${i}/${n}`] = await stored(c as tf.Tensor);
    }
  }
  return {
    tensors,
    metadata: {
      format: CHECKPOINT_FORMAT,
      config: JSON.stringify(tr.cfg),
      step: String(tr.step),
      adamT: String(tr.adam.t),
      sampler: JSON.stringify(tr.sampler.getState()),
      explore: JSON.stringify(tr.explore.getState()),
      ...extra,
    },
  };
}

function toTensor(s: StoredTensor, dtype?: "bool"): tf.Tensor {
  const t = tf.tensor(s.data, s.shape, s.dtype === "I32" ? "int32" : "float32");
  if (dtype !== "bool") return t;
  const b = tf.cast(t, "bool");
  t.dispose();
  return b;
}

/** The config stored in a checkpoint, with a clear error for a file that is not one. */
export function checkpointConfig(file: TensorFile, source: string): Config {
  if (file.metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(
      `${source} is not a kit checkpoint (format "${file.metadata.format ?? "none"}")`,
    );
  }
  const stored = JSON.parse(file.metadata.config!) as Config;
  // Keys added to the kit after the checkpoint was written take their defaults
  // (which reproduce the behaviour of the code that wrote it).
  return {
    ...stored,
    model: { ...defaultModelConfig, ...stored.model },
    data: { ...defaultDataConfig, ...stored.data },
    train: { ...defaultTrainConfig, ...stored.train },
  };
}

/** Checks that a file holds every weight of `cfg` with the right shape; lists every mismatch. */
export function checkWeights(
  file: TensorFile,
  cfg: ModelConfig,
  prefix: string,
  source: string,
): void {
  const problems: string[] = [];
  for (const spec of weightSpecs(cfg)) {
    const t = file.tensors[`${prefix}${spec.name}`];
    if (!t) problems.push(`${spec.name}: missing`);
    else if (t.shape.join(",") !== spec.shape.join(",")) {
      problems.push(`${spec.name}: shape [${t.shape}] in the file, [${spec.shape}] expected`);
    }
  }
  if (problems.length) {
    throw new Error(`${source} does not fit this model:\n  ${problems.join("\n  ")}`);
  }
}

/** Restores a trainer built from the same config. */
export function restoreTrainer(tr: Trainer, file: TensorFile, source: string): void {
  const missing = ["step", "adamT", "sampler", "explore"].filter((k) => !(k in file.metadata));
  if (missing.length) {
    throw new Error(
      `${source} holds weights only (no ${
        missing.join(", ")
      }; e.g. imported with \`deno task convert\`): ` +
        "it can be evaluated, solved and exported, but training cannot resume from it; train into a new folder",
    );
  }
  checkWeights(file, tr.cfg.model, "w/", source);
  for (const [n, w] of Object.entries(tr.weights)) {
    const t = toTensor(file.tensors[`w/${n}`]!);
    w.assign(t);
    t.dispose();
  }
  for (const [n, w] of Object.entries(tr.ema?.shadow ?? {})) {
    const s = file.tensors[`ema/${n}`];
    if (!s) throw new Error(`${source}: EMA weight ${n} missing`);
    const t = toTensor(s);
    w.assign(t);
    t.dispose();
  }
  tr.adam.dispose();
  for (const [name, s] of Object.entries(file.tensors)) {
    const m = name.match(/^opt\.(m|v)\/(.+)$/);
    if (m) (m[1] === "m" ? tr.adam.m : tr.adam.v).set(m[2]!, tf.variable(toTensor(s), false));
  }
  tr.adam.t = Number(file.metadata.adamT);
  for (const c of tr.carries) tf.dispose(Object.values(c));
  tr.carries = [];
  for (let i = 0; file.tensors[`carry.${i}/y`]; i++) {
    const c = (n: string, dtype?: "bool") => toTensor(file.tensors[`carry.${i}/${n}`]!, dtype);
    tr.carries.push({
      y: c("y"),
      z: c("z"),
      steps: c("steps"),
      halted: c("halted", "bool"),
      inputs: c("inputs"),
      labels: c("labels"),
      // Checkpoints from before puzzle identifiers were carried: every row used id 0.
      puzzleIds: file.tensors[`carry.${i}/puzzleIds`]
        ? c("puzzleIds")
        : tf.zeros([file.tensors[`carry.${i}/steps`]!.shape[0]!], "int32"),
    } as Carry);
  }
  tr.step = Number(file.metadata.step);
  tr.sampler.setState(JSON.parse(file.metadata.sampler!));
  tr.explore.setState(JSON.parse(file.metadata.explore!));
}

/**
 * The weights to evaluate from a checkpoint: the EMA shadows where present
 * (the reference saves its EMA copy as the model), the raw weights otherwise.
 */
export function evalWeightsFromFile(file: TensorFile, cfg: ModelConfig, source: string): Weights {
  checkWeights(file, cfg, "w/", source);
  const out: Weights = {};
  for (const spec of weightSpecs(cfg)) {
    const s = file.tensors[`ema/${spec.name}`] ?? file.tensors[`w/${spec.name}`]!;
    out[spec.name] = toTensor(s);
  }
  return out;
}

/**
 * A weights-only checkpoint of the evaluation weights (EMA where present),
 * stored as the weights, with the config and step: no optimiser moments, no
 * carry, no sampler or RNG. `loadModel` evaluates and solves from it;
 * training cannot resume from it (restoreTrainer says so).
 */
export function evalWeightsOnly(file: TensorFile, source: string): TensorFile {
  const cfg = checkpointConfig(file, source);
  checkWeights(file, cfg.model, "w/", source);
  // Per tensor, as evalWeightsFromFile reads them (a weight without an EMA copy is its own).
  const tensors: Record<string, StoredTensor> = {};
  for (const spec of weightSpecs(cfg.model)) {
    tensors[`w/${spec.name}`] = file.tensors[`ema/${spec.name}`] ?? file.tensors[`w/${spec.name}`]!;
  }
  const ema = weightSpecs(cfg.model).some((s) => file.tensors[`ema/${s.name}`]);
  return {
    tensors,
    metadata: {
      format: CHECKPOINT_FORMAT,
      config: file.metadata.config!,
      step: file.metadata.step ?? "0",
      weights: ema ? "ema" : "raw",
      source,
    },
  };
}
