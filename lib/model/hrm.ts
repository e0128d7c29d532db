/**
 * The Hierarchical Reasoning Model (HRM, Wang et al. 2025; reference
 * `models/hrm/hrm_act_v1.py`), TRM's predecessor, as a model beside it.
 *
 * Two modules at two frequencies: a low-level f_L updated n times per cycle
 * and a high-level f_H updated once, each `layers` blocks deep (4 in HRM):
 *
 *     repeat T cycles:
 *       repeat n times:  z_L = f_L(z_L + z_H + x)
 *       z_H = f_H(z_H + z_L)
 *
 * Only the very last z_L and z_H updates are differentiated (HRM's "1-step
 * gradient", from its fixed-point argument); everything before runs without
 * gradient. Halting is usually Q-learning ACT (`halting: "qAct"`).
 *
 * In the kit's terms z_H is the answer y and z_L the latent z, so HRM is TRM's
 * recursion with `networks: "separate"` and `gradient: "oneStep"`; this class
 * spells the loop out in HRM's own order so it can be read against the HRM
 * paper, and a test checks it computes exactly what the TRM class does with
 * those switches.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { ModelConfig } from "./config.ts";
import { withSplitWeights } from "./fused.ts";
import type { Weights } from "./init.ts";
import { detach, noGrad } from "./nograd.ts";
import { tidyTensors } from "./tidy.ts";
import { type Question, type State, type StepOutput, TRM } from "./trm.ts";

/** HRM: z_H is `state.y`, z_L is `state.z`; f_L is the net "L", f_H the net "H". */
export class HRM extends TRM {
  constructor(cfg: ModelConfig) {
    super(cfg);
    if (cfg.arch !== "hrm") throw new Error(`HRM needs arch "hrm", got "${cfg.arch}"`);
  }

  override supervisionStep(weights: Weights, q: Question, s: State): StepOutput {
    return withSplitWeights(weights, (w) => this.#step(w, q, s));
  }

  #step(w: Weights, q: Question, s: State): StepOutput {
    const x = this.embedQuestion(w, q);
    const { latentSteps: n, recursions: cycles } = this.cfg;
    const fL = (zL: tf.Tensor3D, zH: tf.Tensor3D) => this.net(w, zL, tf.add(zH, x) as tf.Tensor3D);
    const fH = (zH: tf.Tensor3D, zL: tf.Tensor3D) => this.net(w, zH, zL, "H");
    // Everything but the last z_L and z_H update, off the tape (tidied: flat memory).
    const before = noGrad(() =>
      tidyTensors(() => {
        let zH = s.y, zL = s.z;
        for (let c = 0; c < cycles; c++) {
          const last = c === cycles - 1;
          for (let i = 0; i < (last ? n - 1 : n); i++) zL = fL(zL, zH);
          if (!last) zH = fH(zH, zL);
        }
        return { zH, zL };
      })
    );
    // The 1-step gradient.
    const zL = fL(before.zL, before.zH);
    const zH = fH(before.zH, zL);
    if (before.zH !== s.y) before.zH.dispose();
    if (before.zL !== s.z) before.zL.dispose();
    const { logits, qHalt, qContinue } = this.heads(w, zH);
    return { logits, qHalt, qContinue, state: { y: detach(zH), z: detach(zL) } };
  }
}
