/**
 * The held-out set an evaluation uses: the model's own (rebuilt from the data
 * seed in its config), or the one a few data keys describe, less any of the
 * model's training puzzles. `deno task eval` and the thinking studies share
 * it, so a model can be tested on puzzles harder than it trained on.
 *
 * @module
 */
import { loadTaskData, type TaskData, type TaskPuzzle } from "../../data/mod.ts";
import { type Config, resolveConfig } from "../../run/mod.ts";

/** Keys that describe a held-out set (data config leaves). */
export const HELD_OUT_KEYS = [
  "testPath",
  "testPuzzles",
  "blanks",
  "minNodes",
  "mazeMinPath",
  "dataSeed",
] as const;

/**
 * The model's own held-out set, or the one `applied` describes: built from
 * the model's data config with those keys changed, less any of its training
 * puzzles (they are not held out). `warn` hears how many were left out.
 */
export async function heldOutData(
  cfg: Config,
  applied: Readonly<Record<string, string | number>>,
  warn: (message: string) => void = console.warn,
): Promise<TaskData> {
  for (const key of Object.keys(applied)) {
    if (!(HELD_OUT_KEYS as readonly string[]).includes(key)) {
      throw new Error(`${key} does not describe a held-out set (${HELD_OUT_KEYS.join(", ")})`);
    }
  }
  const own = await loadTaskData(cfg.data, cfg.run.seed);
  if (!Object.keys(applied).length) return own;
  const data = resolveConfig("smoke", { ...cfg.data, ...applied }).data;
  const built = await loadTaskData(data, cfg.run.seed);
  if (own.task === "arc") return built;
  const key = (q: TaskPuzzle) => ("question" in q ? q.question.join(",") : "");
  const seen = new Set(own.train.map(key));
  const test = built.test.filter((q) => !seen.has(key(q)));
  if (test.length < built.test.length) {
    warn(
      `${
        built.test.length - test.length
      } of the held-out puzzles are training puzzles of the run; left out`,
    );
  }
  if (!test.length) throw new Error("no held-out puzzles left that the run did not train on");
  return {
    ...built,
    test,
    source: `${built.source} (held-out set from ${JSON.stringify(applied)})`,
  };
}
