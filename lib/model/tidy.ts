/**
 * `tf.tidy` for results typed as interfaces of tensors (a model `State`, a
 * `StepOutput`, a pair of latents): the tensors `fn` returns are kept, every
 * other tensor it made is freed. tidy's own typing asks for an index
 * signature, which interfaces do not have; the one cast that bridges the two
 * is here, so the recursion's code needs none.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Runs `fn` inside `tf.tidy` and returns its tensors, typed as `fn` typed them. */
export function tidyTensors<T extends object>(fn: () => T): T {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as T;
}
