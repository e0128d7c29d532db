/**
 * Training configuration (reference `config/cfg_pretrain.yaml` and the
 * per-task recipes of the TRM README).
 *
 * @module
 */
import type { DataConfig } from "../data/config.ts";
import type { ModelConfig } from "../model/config.ts";
import type { LossKind } from "../model/losses.ts";
import type { BackendName, BlasMode, NativeMode } from "../backend/mod.ts";
import type { OptimizerKind } from "./optim.ts";

/** How the trainer learns. */
export interface TrainConfig {
  /** Examples per optimiser step, `global_batch_size` (paper: 768). */
  batchSize: number;
  /** Micro-batches per optimiser step (gradient accumulation); must divide batchSize. */
  accumulate: number;
  /** Refuse a run whose measured step memory exceeds this many MB (wasm only; 0: no check). */
  memoryLimitMb: number;
  /** Optimiser steps to run. */
  steps: number;
  /** Stop after this many minutes even if `steps` is not reached (0: no limit). */
  timeBudgetMin: number;
  /** Base learning rate, `lr` (paper: 1e-4). */
  lr: number;
  /** Linear warm-up steps, `lr_warmup_steps` (paper: 2000). */
  warmupSteps: number;
  /** Cosine floor as a fraction of lr, `lr_min_ratio` (paper: 1.0, i.e. constant). */
  lrMinRatio: number;
  /** Decoupled weight decay, `weight_decay` (Sudoku: 1.0). */
  weightDecay: number;
  beta1: number;
  beta2: number;
  /** `adamAtan2` as the reference code, or `adamw` as the paper's text. */
  optimizer: OptimizerKind;
  /** Sign-SGD rate of the puzzle embedding, `puzzle_emb_lr`. */
  puzzleLr: number;
  /** Its weight decay, `puzzle_emb_weight_decay`. */
  puzzleWeightDecay: number;
  /** Answer loss, `loss_type` (reference: stablemax). */
  loss: LossKind;
  /** Weight of the halting BCE loss (reference: 0.5). */
  haltLossWeight: number;
  /** Probability that a row must run at least 2..N_sup steps, `halt_exploration_prob` (0.1). */
  haltExploration: number;
  /** Keep an EMA of the weights for evaluation and checkpoints, `ema`. */
  ema: boolean;
  /** EMA rate, `ema_rate` (0.999). */
  emaRate: number;
  /** Evaluate every this many steps (0: only at the end). */
  evalEvery: number;
  /** Held-out puzzles evaluated during training (0: all); the final evaluation uses all. */
  evalLimit: number;
  /** Rows per evaluation batch. */
  evalBatchSize: number;
  /**
   * Original training puzzles (the first ones) evaluated beside the held-out
   * ones at every evaluation, to see the model fit its training set (0: none).
   */
  evalTrain: number;
  /**
   * With EMA on, every evaluation also scores the raw weights, so the EMA
   * ablation is read from one run, exactly paired (reported as `raw`).
   */
  evalRaw: boolean;
  /** Write a checkpoint every this many steps (0: only at the end). */
  checkpointEvery: number;
  /** Average and report training metrics every this many steps. */
  logEvery: number;
}

/** The paper's Sudoku recipe at a CPU-friendly scale is in presets; these are the reference defaults. */
export const defaultTrainConfig: TrainConfig = {
  batchSize: 768,
  accumulate: 1,
  memoryLimitMb: 2048,
  steps: 78_000,
  timeBudgetMin: 0,
  lr: 1e-4,
  warmupSteps: 2000,
  lrMinRatio: 1.0,
  weightDecay: 1.0,
  beta1: 0.9,
  beta2: 0.95,
  optimizer: "adamAtan2",
  puzzleLr: 1e-4,
  puzzleWeightDecay: 1.0,
  loss: "stablemax",
  haltLossWeight: 0.5,
  haltExploration: 0.1,
  ema: true,
  emaRate: 0.999,
  evalEvery: 5000,
  evalLimit: 0,
  evalBatchSize: 256,
  evalTrain: 0,
  evalRaw: false,
  checkpointEvery: 1000,
  logEvery: 10,
};

/**
 * Who runs and where results go. (With {@link Config}, here rather than in
 * lib/run, so the trainer can take a config without importing upward; the
 * defaults, presets and resolution stay in lib/run/config.ts.)
 */
export interface RunConfig {
  /** Fixes data generation, initialisation, sampling and exploration. */
  seed: number;
  /** tfjs backend; also `TRM_BACKEND`. */
  backend: BackendName;
  /** Kernel threads of the wasm backend, 0 = one per core (falls back to 1 if threads cannot start). */
  threads: number;
  /** wasm: matrix products on OpenBLAS where installed ("auto"), always ("on") or never ("off"). */
  blas: BlasMode;
  /** wasm: SwiGLU and RMSNorm as fused native kernels where a C compiler builds them ("auto"), always ("on") or never ("off"). */
  native: NativeMode;
}

/** Everything a run needs. */
export interface Config {
  model: ModelConfig;
  data: DataConfig;
  train: TrainConfig;
  run: RunConfig;
}
