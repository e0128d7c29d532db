/** A tiny model config and random questions, shared by the model tests. */
import * as tf from "@tensorflow/tfjs-core";
import { Prng } from "../../util/prng.ts";
import { defaultModelConfig, type ModelConfig } from "../config.ts";

/** 16 tokens of vocabulary 6, D=16, 2 heads, 2 prefix slots, n=2, T=2, N_sup=4; override as needed. */
export function tinyConfig(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...defaultModelConfig,
    vocabSize: 6,
    seqLen: 16,
    hiddenSize: 16,
    heads: 2,
    puzzlePrefix: 2,
    latentSteps: 2,
    recursions: 2,
    supervisionSteps: 4,
    ...over,
  };
}

/** `b` random questions (tokens 1..V-1) with puzzle id 0. */
export function randomQuestion(b: number, cfg: ModelConfig, seed: number) {
  const p = new Prng(seed);
  const inputs = tf.tensor2d(
    Array.from({ length: b * cfg.seqLen }, () => 1 + p.int(cfg.vocabSize - 1)),
    [b, cfg.seqLen],
    "int32",
  );
  return { inputs, puzzleIds: tf.zeros([b], "int32") as tf.Tensor1D };
}
