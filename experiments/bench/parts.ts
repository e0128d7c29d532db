/**
 * A training step timed part by part (no-gradient recursions, forward,
 * backward, optimiser, EMA), each followed by a sync, on a Trainer's own
 * weights, optimiser and loss.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Encoded } from "@kit/data/mod.ts";
import { noGrad, withSplitWeights } from "@kit/model/mod.ts";
import { Ema, supervisionLoss, type Trainer } from "@kit/train/mod.ts";

/** Seconds of each part of a training step, measured one by one with a data sync after each. */
export interface StepParts {
  /** The T-1 recursions without gradient. */
  noGrad: number;
  /** The recursion with gradient, its heads and the loss, forward only (tape off). */
  gradForward: number;
  /** The same under `tf.variableGrads`, minus gradForward: the backward pass and the tape. */
  backward: number;
  /** One AdamW/AdamATan2 update of the dense weights. */
  optimizer: number;
  /** One EMA update of the dense weights (the anchor has none: not part of the full step here). */
  ema: number;
}

/**
 * Seconds `fn` takes, including waiting for every tensor it returns (the
 * backends run asynchronously). Freeing what it returns is the caller's job.
 */
export async function timeSynced(fn: () => tf.Tensor[]): Promise<number> {
  const t0 = performance.now();
  const out = fn();
  await Promise.all(out.map((t) => t.data()));
  return (performance.now() - t0) / 1000;
}

/** The parts of one training step, each returning the tensors to wait for (owned by the runner). */
export interface PartsRunner {
  /** T-1 recursions off the tape from the current state; returns (y, z). */
  noGrad(): tf.Tensor[];
  /** Forward of the gradient recursion + heads + loss, tape off; returns the loss. */
  forward(): tf.Tensor[];
  /** The same under `tf.variableGrads`; returns the loss and the gradients. */
  forwardBackward(): tf.Tensor[];
  /** An optimiser update from the last gradients; returns the updated weights. */
  optimizer(): tf.Tensor[];
  /** An EMA update of the dense weights; returns the shadows. */
  ema(): tf.Tensor[];
  /** Frees everything the runner holds. */
  dispose(): void;
}

/**
 * Times each part `reps` times (after one untimed warm-up round) and keeps the
 * median. The parts of one step run one after the other, each followed by a
 * sync, so noGrad + gradForward + backward + optimizer is close to a full
 * step (plus a few syncs and the trainer's halting bookkeeping).
 */
export async function timeParts(run: PartsRunner, reps = 1): Promise<StepParts> {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const keys = ["noGrad", "forward", "forwardBackward", "optimizer", "ema"] as const;
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<
    typeof keys[number],
    number[]
  >;
  for (let r = 0; r <= reps; r++) {
    for (const k of keys) {
      const sec = await timeSynced(() => run[k]());
      if (r > 0) times[k].push(sec);
    }
  }
  const fwd = median(times.forward);
  return {
    noGrad: median(times.noGrad),
    gradForward: fwd,
    backward: Math.max(0, median(times.forwardBackward) - fwd),
    optimizer: median(times.optimizer),
    ema: median(times.ema),
  };
}

/**
 * The parts of `trainer`'s step, run on its weights from its initial state
 * with its own loss (`supervisionLoss`, lib/train/loss.ts) and its fused
 * weights split once per step, as the model does: the same work as
 * `trainer.trainStep()` split where a sync can go.
 */
export function trainerParts(trainer: Trainer, batch: Encoded): PartsRunner {
  const { model, weights, cfg } = trainer;
  const b = batch.count;
  const inputs = tf.tensor2d(batch.inputs, [b, cfg.model.seqLen], "int32");
  const labels = tf.tensor2d(batch.labels, [b, cfg.model.seqLen], "int32");
  const q = { inputs, puzzleIds: tf.zeros([b], "int32") as tf.Tensor1D };
  // Fresh rows: no supervision step yet (only HRM's ACT target reads this).
  const rows = { ...q, labels, steps: tf.zeros([b], "int32") as tf.Tensor1D };
  const start = model.initialState(weights, b);
  const scoring = {
    loss: cfg.train.loss,
    halting: cfg.model.halting,
    haltLossWeight: cfg.train.haltLossWeight,
  };
  const dense = Object.fromEntries(trainer.dense.map((n) => [n, weights[n]!]));
  const ema = new Ema(dense, 0.999);
  const held: Record<string, tf.Tensor[]> = {};
  let grads: Record<string, tf.Tensor> = {};
  /** Frees what `key` returned last time, and remembers what it returns now. */
  const hold = (key: string, out: tf.Tensor[]) => {
    tf.dispose(held[key] ?? []);
    held[key] = out;
    return out;
  };
  /** The recursion with gradient from the initial state, its heads, and the trainer's loss. */
  const loss = () =>
    withSplitWeights(weights, (w) => {
      const x = model.embedQuestion(w, q);
      const state = model.recursion(w, x, start);
      const out = { ...model.heads(w, state.y), state };
      return { loss: supervisionLoss(model, weights, out, rows, scoring).loss };
    }).loss;
  return {
    noGrad: () => {
      if (cfg.model.recursions < 2) return hold("noGrad", []);
      const s = withSplitWeights(weights, (w) => {
        const x = model.embedQuestion(w, q);
        const r = model.recursionsWithoutGradient(w, x, start, cfg.model.recursions - 1);
        return [r.y, r.z];
      });
      return hold("noGrad", s);
    },
    forward: () => hold("forward", [noGrad(() => tf.tidy(loss))]),
    forwardBackward: () => {
      tf.dispose(Object.values(grads));
      const r = tf.variableGrads(loss, Object.values(dense));
      grads = Object.fromEntries(trainer.dense.map((n) => [n, r.grads[dense[n]!.name]!]));
      return hold("forwardBackward", [r.value]).concat(Object.values(grads));
    },
    optimizer: () => {
      trainer.adam.apply(weights, grads, trainer.learningRate());
      return Object.values(dense);
    },
    ema: () => {
      ema.update(dense);
      return Object.values(ema.shadow);
    },
    dispose: () => {
      tf.dispose([...Object.values(held).flat(), ...Object.values(grads), inputs, labels]);
      tf.dispose([start.y, start.z, q.puzzleIds, rows.steps]);
      ema.dispose();
    },
  };
}
