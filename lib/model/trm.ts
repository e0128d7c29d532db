/**
 * The Tiny Recursive Model (arXiv 2510.04871, §4; reference `trm.py`).
 *
 * One tiny network `net` improves a latent z and an answer y from the
 * embedded question x:
 *
 *     repeat n times:  z = net(z + y + x)     // latentStep: recursive reasoning
 *     y = net(y + z)                           // answerStep: refine the answer
 *
 * That is one *recursion*. A *supervision step* runs T recursions, the first
 * T-1 without gradient, then decodes y into token logits and a halting logit
 * and hands (y, z) on, detached, to the next supervision step.
 *
 * Shapes: B batch, S puzzle tokens, P puzzle prefix, L = P + S, D hidden, V vocab.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type ModelConfig, totalLength } from "./config.ts";
import type { Weights } from "./init.ts";
import { fusedWeight, withSplitWeights } from "./fused.ts";
import { addRmsNorm, attention, embed, linear, ropeTables, swiglu } from "./layers.ts";
import { detach, noGrad } from "./nograd.ts";
import { tidyTensors } from "./tidy.ts";

/** The state carried across supervision steps: answer y and latent z, [B, L, D]. */
export interface State {
  y: tf.Tensor3D;
  z: tf.Tensor3D;
}

/** The question: puzzle tokens [B, S] and puzzle identifiers [B], int32. */
export interface Question {
  inputs: tf.Tensor2D;
  puzzleIds: tf.Tensor1D;
}

/** What one supervision step produces. */
export interface StepOutput {
  /** Token logits of the answer, [B, S, V] (prefix dropped). */
  logits: tf.Tensor3D;
  /** Halting logit, [B] (`q_halt`). */
  qHalt: tf.Tensor1D;
  /** Second halting output, [B] (`q_continue`; only HRM-style ACT trains it). */
  qContinue: tf.Tensor1D;
  /** New (y, z), detached: gradients never cross supervision steps. */
  state: State;
}

/** TRM for one config; the weights are passed in, so EMA weights evaluate the same way. */
export class TRM {
  readonly cfg: ModelConfig;
  readonly #rope?: { cos: tf.Tensor2D; sin: tf.Tensor2D };
  /**
   * Test-time only, unset in training: applied to (y, z) after every
   * recursion, e.g. Gaussian noise to sample different trajectories
   * (lib/train/think.ts). Unset, the recursion is exactly the paper's.
   */
  perturb?: (s: State) => State;

  constructor(cfg: ModelConfig) {
    this.cfg = cfg;
    if (cfg.mixer === "attention" && cfg.posEncoding === "rope") {
      const tables = ropeTables(totalLength(cfg), cfg.hiddenSize / cfg.heads, cfg.ropeTheta);
      this.#rope = { cos: tf.keep(tables.cos), sin: tf.keep(tables.sin) };
    }
  }

  /**
   * y and z at the start of an example: the fixed vectors y_init, z_init at
   * every position. With `latentMode: "multiScale"` z holds the n latents
   * side by side, [B, L, n·D], each with its own init; with `single` there is
   * no y and y is z.
   */
  initialState(w: Weights, batch: number): State {
    const l = totalLength(this.cfg);
    const d = this.cfg.hiddenSize;
    const zWidth = this.cfg.latentMode === "multiScale" ? this.cfg.latentSteps * d : d;
    return tf.tidy(() => {
      const z = tf.broadcastTo(w.z_init!, [batch, l, zWidth]) as tf.Tensor3D;
      if (this.cfg.latentMode === "single") return { y: z, z: tf.clone(z) };
      return { y: tf.broadcastTo(w.y_init!, [batch, l, d]) as tf.Tensor3D, z };
    });
  }

  /** x: token embeddings behind P prefix slots (slot 0 = puzzle embedding, the rest zero), times sqrt(D). */
  embedQuestion(w: Weights, q: Question): tf.Tensor3D {
    const { hiddenSize: d, puzzlePrefix: p } = this.cfg;
    let x = embed(w.embed_tokens!, q.inputs); // [B, S, D]
    if (p > 0) {
      const b = q.inputs.shape[0];
      const puzzle = tf.reshape(embed(w.puzzle_emb!, q.puzzleIds), [b, 1, d]);
      const parts = [puzzle];
      if (p > 1) parts.push(tf.zeros([b, p - 1, d]));
      x = tf.concat([...parts, x], 1); // [B, L, D]
    }
    return tf.mul(x, Math.sqrt(d)) as tf.Tensor3D;
  }

  /**
   * The tiny network: `layers` post-norm blocks applied to h + injection.
   * `level` picks the weights: "L" is the one shared net (f_L in HRM terms),
   * "H" the answer net when `networks` is "separate" (f_H), else the same.
   */
  net(
    w: Weights,
    h: tf.Tensor3D,
    injection: tf.Tensor3D | null,
    level: "L" | "H" = "L",
  ): tf.Tensor3D {
    const prefix = level === "H" && this.cfg.networks === "separate" ? "H_level.layers" : "layers";
    let out = injection ? tf.add(h, injection) as tf.Tensor3D : h;
    // Each block is tidied: what backprop needs is kept by the tape, the rest
    // (and everything, off the tape) is freed at once rather than at the end
    // of the step, which cuts peak memory several-fold.
    for (let i = 0; i < this.cfg.layers; i++) {
      const input = out;
      out = tf.tidy(() => this.block(w, `${prefix}.${i}`, input));
    }
    return out;
  }

  /** Latent step i of a recursion: z = net(z + y + x) (the other latent modes: see LatentMode). */
  latentStep(w: Weights, x: tf.Tensor3D, s: State, i: number): State {
    switch (this.cfg.latentMode) {
      case "pair":
        return { y: s.y, z: this.net(w, s.z, tf.add(s.y, x) as tf.Tensor3D) };
      case "single": {
        // trm_singlez.py: z = net(z + x); there is no y to inject.
        const z = this.net(w, s.z, x);
        return { y: z, z };
      }
      case "multiScale": {
        // trm_hier6.py: the sum of the n latents is fed as z; the result replaces latent i.
        const zi = this.net(w, this.#sumLatents(s.z), tf.add(s.y, x) as tf.Tensor3D);
        const parts = tf.split(s.z, this.cfg.latentSteps, 2);
        parts[i] = zi;
        return { y: s.y, z: parts.length > 1 ? tf.concat(parts, 2) as tf.Tensor3D : zi };
      }
    }
  }

  /** y = net(y + z); the question is not an input, so y can only be read off z. */
  answerStep(w: Weights, s: State): State {
    switch (this.cfg.latentMode) {
      case "pair":
        return { y: this.net(w, s.y, s.z, "H"), z: s.z };
      case "single": {
        // trm_singlez.py closes each cycle with z = net(z), and reads the answer off z.
        const z = this.net(w, s.z, null);
        return { y: z, z };
      }
      case "multiScale":
        return { y: this.net(w, s.y, this.#sumLatents(s.z), "H"), z: s.z };
    }
  }

  /** [B, L, n·D] -> [B, L, D]: the n latents of multi-scale z summed. */
  #sumLatents(z: tf.Tensor3D): tf.Tensor3D {
    const parts = tf.split(z, this.cfg.latentSteps, 2);
    return parts.length > 1 ? tf.addN(parts) as tf.Tensor3D : parts[0] as tf.Tensor3D;
  }

  /**
   * One recursion: n latent steps, then one answer step. Latent steps before
   * `differentiateFrom` run off the tape: with n-1 this is HRM's 1-step
   * gradient (only the last latent and the answer update are differentiated).
   */
  recursion(w: Weights, x: tf.Tensor3D, s: State, differentiateFrom = 0): State {
    let state = s;
    const first = Math.min(differentiateFrom, this.cfg.latentSteps);
    if (first > 0) {
      state = noGrad(() =>
        tidyTensors(() => {
          let t = s;
          for (let i = 0; i < first; i++) t = this.latentStep(w, x, t, i);
          return t;
        })
      );
    }
    for (let i = first; i < this.cfg.latentSteps; i++) state = this.latentStep(w, x, state, i);
    const out = this.answerStep(w, state);
    return this.perturb ? this.perturb(out) : out;
  }

  /**
   * One supervision step: T-1 recursions without gradient, one with (all of
   * it, or with `gradient: "oneStep"` only its last latent and answer update),
   * then the heads.
   */
  supervisionStep(weights: Weights, q: Question, s: State): StepOutput {
    // The fused projections are split once here rather than in every net call (fused.ts).
    return withSplitWeights(weights, (w) => {
      const x = this.embedQuestion(w, q);
      const improved = this.recursionsWithoutGradient(w, x, s, this.cfg.recursions - 1);
      const from = this.cfg.gradient === "oneStep" ? this.cfg.latentSteps - 1 : 0;
      const { y, z } = this.recursion(w, x, improved, from);
      if (improved !== s) tf.dispose([improved.y, improved.z]);
      const { logits, qHalt, qContinue } = this.heads(w, y);
      return { logits, qHalt, qContinue, state: { y: detach(y), z: detach(z) } };
    });
  }

  /**
   * `times` recursions off the gradient tape (torch.no_grad), each tidied so
   * only the latest (y, z) stays in memory: memory does not grow with T.
   */
  recursionsWithoutGradient(w: Weights, x: tf.Tensor3D, s: State, times: number): State {
    return noGrad(() => {
      let state = s;
      for (let t = 0; t < times; t++) {
        const prev = state;
        state = tidyTensors(() => this.recursion(w, x, prev));
        if (prev !== s) tf.dispose([prev.y, prev.z]);
      }
      return state;
    });
  }

  /** Output head on the puzzle positions of y; halting head on prefix slot 0 of y. */
  heads(
    w: Weights,
    y: tf.Tensor3D,
  ): { logits: tf.Tensor3D; qHalt: tf.Tensor1D; qContinue: tf.Tensor1D } {
    const { puzzlePrefix: p, seqLen, hiddenSize: d } = this.cfg;
    const b = y.shape[0];
    const answer = p > 0 ? tf.slice(y, [0, p, 0], [b, seqLen, d]) : y;
    const logits = linear(answer, w.lm_head!) as tf.Tensor3D; // [B, S, V]
    const first = tf.reshape(tf.slice(y, [0, 0, 0], [b, 1, d]), [b, d]);
    const q = tf.add(linear(first, w["q_head.weight"]!), w["q_head.bias"]!); // [B, 2]
    const [qHalt, qContinue] = tf.unstack(q, 1) as [tf.Tensor1D, tf.Tensor1D];
    return { logits, qHalt, qContinue };
  }

  /**
   * Post-norm block: mix tokens (sequence MLP or attention), then a channel
   * SwiGLU, each added to its input and normed: addRmsNorm(a, b) = rmsNorm(a + b).
   */
  block(w: Weights, p: string, h: tf.Tensor3D): tf.Tensor3D {
    const eps = this.cfg.rmsEps;
    if (this.cfg.mixer === "mlp") {
      // [B, L, D] -> [B, D, L]: the SwiGLU mixes positions; the reference also
      // takes this RMSNorm over the sequence axis, before transposing back.
      const t = tf.transpose(h, [0, 2, 1]);
      const mixed = swiglu(
        t,
        fusedWeight(w, `${p}.mlp_t.gate_up_proj`),
        w[`${p}.mlp_t.down_proj`]!,
      );
      h = tf.transpose(addRmsNorm(t, mixed, eps), [0, 2, 1]) as tf.Tensor3D;
    } else {
      const a = attention(
        h,
        fusedWeight(w, `${p}.self_attn.qkv_proj`),
        w[`${p}.self_attn.o_proj`]!,
        this.cfg.heads,
        this.#rope,
      );
      h = addRmsNorm(h, a, eps) as tf.Tensor3D;
    }
    const m = swiglu(h, fusedWeight(w, `${p}.mlp.gate_up_proj`), w[`${p}.mlp.down_proj`]!);
    return addRmsNorm(h, m, eps) as tf.Tensor3D;
  }

  /** Frees the constant tables this model holds. */
  dispose(): void {
    if (this.#rope) tf.dispose([this.#rope.cos, this.#rope.sin]);
  }
}
