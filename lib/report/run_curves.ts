/**
 * Learning curves of one run folder (a notebook's own run, not a study's):
 * {@link loadCurves} on a one-row runs table.
 *
 * @module
 */
import pl from "nodejs-polars";
import { type CurvePoint, loadCurves } from "./load.ts";

/** Every point of `<folder>/metrics.jsonl`, labelled `variant` (default "this run"). */
export function runCurves(folder: string, variant = "this run"): Promise<CurvePoint[]> {
  const cut = folder.replace(/\/+$/, "").lastIndexOf("/");
  const results = cut > 0 ? folder.slice(0, cut) : ".";
  const runDir = folder.slice(cut + 1).replace(/\/+$/, "");
  const runs = pl.DataFrame({
    runId: [runDir],
    runDir: [runDir],
    seed: [0],
    status: ["done"],
    varied: [""],
  });
  return loadCurves(runs, { results }).then((pts) => pts.map((p) => ({ ...p, variant })));
}
