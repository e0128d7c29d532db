/**
 * When a supervision step says "stop": the halting rule of each `halting`
 * variant (reference: TRM `trm.py` and HRM `hrm_act_v1.py` forward).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Halting } from "./config.ts";
import type { Weights } from "./init.ts";
import { noGrad } from "./nograd.ts";
import type { Question, State, TRM } from "./trm.ts";

/**
 * Whether each row's halting head says stop now, bool [B]:
 * TRM (`bce`) when sigmoid(q_halt) > 0.5, HRM's ACT (`qAct`) when q_halt >
 * q_continue, never with `none` (every example runs all N_sup steps).
 */
export function haltsNow(
  halting: Halting,
  qHalt: tf.Tensor1D,
  qContinue: tf.Tensor1D,
): tf.Tensor1D {
  switch (halting) {
    case "bce":
      return tf.greater(qHalt, 0);
    case "qAct":
      return tf.greater(qHalt, qContinue);
    case "none":
      return tf.zerosLike(qHalt).cast("bool");
  }
}

/**
 * HRM's Q-learning target for q_continue: the value of going on, read from
 * an extra forward pass on the new state without gradient (no replay buffer,
 * no target network, as the reference): sigmoid(q_halt') at the last step
 * (`steps` + 1 >= N_sup), else sigmoid(max(q_halt', q_continue')), [B].
 */
export function continueTarget(
  model: TRM,
  weights: Weights,
  q: Question,
  next: State,
  steps: tf.Tensor1D,
): tf.Tensor1D {
  return noGrad(() =>
    tf.tidy(() => {
      const ahead = model.supervisionStep(weights, q, next);
      const isLast = tf.greaterEqual(tf.add(steps, 1), model.cfg.supervisionSteps);
      const best = tf.where(isLast, ahead.qHalt, tf.maximum(ahead.qHalt, ahead.qContinue));
      return tf.sigmoid(best) as tf.Tensor1D;
    })
  );
}
