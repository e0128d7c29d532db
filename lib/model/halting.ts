/**
 * When a supervision step says "stop": the halting rule of each `halting`
 * variant (reference: TRM `trm.py` and HRM `hrm_act_v1.py` forward).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Halting } from "./config.ts";

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
