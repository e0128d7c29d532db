/**
 * The kit's side of the cross-check with `predict.py`: the same puzzles, the
 * same output lines (argmax answer after N_sup supervision steps and
 * sigmoid(q_halt) at the last step), from a kit run folder or checkpoint.
 *
 *   deno run -A tools/reference/kit_predict.ts <run folder | checkpoint> <puzzles.txt> [--backend cpu]
 *
 * @module
 */
import { encodeSudoku } from "@kit/data/sudoku.ts";
import { backendFromArgs, parseCommandLine, runMain } from "@kit/run/cli.ts";
import { loadModel } from "@kit/run/load.ts";
import { traceAnswer } from "@kit/train/trace.ts";
import { parsePuzzle } from "../../lib/data/sudoku_io.ts";

async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, { help: "boolean" });
  const [where, puzzlesPath] = p.positionals;
  if (p.flags.help || !where || !puzzlesPath) {
    console.log("usage: kit_predict.ts <run folder | checkpoint> <puzzles.txt> [--backend cpu]");
    return 2;
  }
  const backend = await backendFromArgs(p);
  const m = await loadModel(where);
  const lines = (await Deno.readTextFile(puzzlesPath)).split("\n")
    .map((l) => l.trim().split(",")[0]!.replace(/[|\s]/g, ""))
    .filter((l) => l && !l.startsWith("#") && /^[0-9.]/.test(l));
  const puzzles = lines.map(parsePuzzle);
  const s = m.cfg.model.seqLen;
  const inputs = new Int32Array(puzzles.length * s);
  puzzles.forEach((q, i) => inputs.set(encodeSudoku(q), i * s));
  const trace = await traceAnswer(m.model, m.weights, inputs);
  const last = trace.predictions.length - 1;
  console.log(
    `# ${m.path}: ${puzzles.length} puzzles, ${last + 1} supervision steps, ${backend.name}`,
  );
  for (let i = 0; i < puzzles.length; i++) {
    const pred = trace.predictions[last]!.subarray(i * s, (i + 1) * s);
    const digits = Array.from(pred, (t) => (t < 2 ? "." : String(t - 1))).join("");
    console.log(`puzzle ${i + 1}: ${digits} halt=${trace.haltProb[last]![i]!.toFixed(4)}`);
  }
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
