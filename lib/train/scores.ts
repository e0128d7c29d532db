/**
 * The loop's evaluations: the held-out score of the evaluation weights, the
 * raw weights beside EMA (`evalRaw`), the first `evalTrain` training puzzles
 * beside the held-out ones, and the best score so far.
 *
 * @module
 */
import type { ArcGroup } from "../data/arc_dataset.ts";
import type { TaskData } from "../data/datasets.ts";
import { type Encoded, encodePuzzles } from "../data/encoding.ts";
import { evaluateArcVersions } from "./arc_eval.ts";
import type { EvalMetrics } from "./evaluate.ts";
import type { Trainer } from "./trainer.ts";

/** What an evaluation measures besides the held-out score of the evaluation weights. */
export interface EvalExtra {
  /** Held-out score of the raw weights, with EMA on and `evalRaw` (the EMA ablation, paired). */
  raw?: EvalMetrics;
  /** Score on the first `evalTrain` original training puzzles (is the training set fitted?). */
  trainSet?: EvalMetrics;
}

/** The evaluation with the best held-out exact accuracy (intermediate ones use `evalLimit` puzzles). */
export interface BestEval {
  step: number;
  exactAcc: number;
  count: number;
}

/** One evaluation of the loop. */
export interface Evaluation {
  step: number;
  metrics: EvalMetrics;
  /** The one at the end of the run, on every held-out puzzle. */
  final: boolean;
  extra: EvalExtra;
}

/** Evaluates a trainer on a task's puzzles and keeps the best scores. */
export class Scores {
  readonly #test: Encoded;
  readonly #trainSet?: Encoded;
  best?: BestEval;
  bestRaw?: BestEval;

  /** `prior`: the best scores of the run so far (a resumed run's metrics). */
  constructor(
    readonly trainer: Trainer,
    readonly data: TaskData,
    prior: { best?: BestEval; bestRaw?: BestEval } = {},
  ) {
    this.#test = encodePuzzles(data.test);
    const n = trainer.cfg.train.evalTrain;
    this.#trainSet = n > 0 ? encodePuzzles(data.train.slice(0, n)) : undefined;
    this.best = prior.best;
    this.bestRaw = prior.bestRaw;
  }

  /** An intermediate evaluation on `evalLimit` held-out puzzles (0: all). */
  async evaluate(): Promise<Evaluation> {
    const limit = this.trainer.cfg.train.evalLimit;
    const metrics = await this.trainer.evaluate(this.#test, { limit });
    return this.#track(metrics, await this.#extra(limit), false);
  }

  /** The final evaluation, on every held-out puzzle. ARC scores versions that vote (pass@1, pass@2). */
  async evaluateFinal(): Promise<Evaluation> {
    const tr = this.trainer;
    if (this.data.task === "arc") {
      // Versions vote after their augmentation is undone.
      const groups = this.data.test as ArcGroup[];
      const batchSize = tr.cfg.train.evalBatchSize;
      const arc = await evaluateArcVersions(tr.model, tr.evalWeights(), groups, { batchSize });
      return this.#track(arc.metrics, {}, true);
    }
    const metrics = await tr.evaluate(this.#test);
    return this.#track(metrics, await this.#extra(0), true);
  }

  /** Raw weights beside EMA, and the training puzzles beside the held-out ones. */
  async #extra(limit: number): Promise<EvalExtra> {
    const tr = this.trainer;
    return {
      ...(tr.ema && tr.cfg.train.evalRaw
        ? { raw: await tr.evaluate(this.#test, { limit, raw: true }) }
        : {}),
      ...(this.#trainSet ? { trainSet: await tr.evaluate(this.#trainSet) } : {}),
    };
  }

  #track(metrics: EvalMetrics, extra: EvalExtra, final: boolean): Evaluation {
    const step = this.trainer.step;
    const better = (m: EvalMetrics, b?: BestEval) =>
      !b || m.exactAcc > b.exactAcc ? { step, exactAcc: m.exactAcc, count: m.count } : b;
    this.best = better(metrics, this.best);
    if (extra.raw) this.bestRaw = better(extra.raw, this.bestRaw);
    return { step, metrics, final, extra };
  }
}
