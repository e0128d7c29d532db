/**
 * The model a config asks for: TRM (lib/model/trm.ts), or HRM
 * (lib/model/hrm.ts, a TRM subclass that runs HRM's own loop).
 *
 * @module
 */
import type { ModelConfig } from "./config.ts";
import { HRM } from "./hrm.ts";
import { TRM } from "./trm.ts";

/** A new model for `cfg` (`arch` chooses which); its weights come from initWeights. */
export function createModel(cfg: ModelConfig): TRM {
  return cfg.arch === "hrm" ? new HRM(cfg) : new TRM(cfg);
}
