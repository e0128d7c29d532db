/**
 * Loading a trained model from a run folder or a checkpoint file, for
 * evaluation and solving.
 *
 * @module
 */
import type { Weights } from "../model/init.ts";
import { createModel } from "../model/create.ts";
import type { TRM } from "../model/trm.ts";
import { loadTensorFile } from "../util/safetensors.ts";
import { checkpointConfig, evalWeightsFromFile } from "../train/state.ts";
import type { Config } from "./config.ts";

/** A model ready to run: config, network and its evaluation (EMA) weights. */
export interface LoadedModel {
  cfg: Config;
  model: TRM;
  weights: Weights;
  step: number;
  path: string;
}

/** Loads `<folder>/checkpoint.safetensors`, or the file itself. */
export async function loadModel(pathOrFolder: string): Promise<LoadedModel> {
  let path = pathOrFolder;
  try {
    if ((await Deno.stat(pathOrFolder)).isDirectory) {
      path = `${pathOrFolder}/checkpoint.safetensors`;
    }
  } catch {
    throw new Error(`no checkpoint at ${pathOrFolder}`);
  }
  const file = await loadTensorFile(path);
  const cfg = checkpointConfig(file, path);
  return {
    cfg,
    model: createModel(cfg.model),
    weights: evalWeightsFromFile(file, cfg.model, path),
    step: Number(file.metadata.step),
    path,
  };
}
