/**
 * Running part of a computation without recording it for backprop.
 *
 * tfjs has no `torch.no_grad()`: every op run inside `tf.variableGrads` is
 * taped and its inputs kept alive until the backward pass. TRM's first T-1
 * recursions must not be differentiated, and should not hold memory either,
 * so `noGrad` pauses the tape by zeroing the engine's gradient depth (the
 * counter `isTapeOn()` reads) for the duration of `fn`. This touches an
 * engine internal of tfjs-core 4.22; `nograd_test.ts` pins the behaviour.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

interface EngineState {
  gradientDepth: number;
}

/** Runs `fn` with the gradient tape off; its ops get no gradient and save nothing. */
export function noGrad<T>(fn: () => T): T {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return fn();
  } finally {
    state.gradientDepth = depth;
  }
}

/** A copy of `t` that no gradient flows through (torch's `detach()`). */
export function detach<T extends tf.Tensor>(t: T): T {
  return noGrad(() => tf.clone(t));
}
