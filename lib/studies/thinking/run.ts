/**
 * Runs a declared thinking study (`deno task think <study>`, and notebook
 * 22): the points whose record is missing or was made with other settings,
 * one pass of the model each, then every point's record. Resumable: each
 * finished point is written atomically to results/thinking/<id>.json with its
 * settings, seed, model, held-out set and code version, so a stopped study
 * starts again at the first point without a record.
 *
 * @module
 */
import { decodeSudoku, encodeSudoku, type SudokuPuzzle, type TaskData } from "../../data/mod.ts";
import { codeVersion, loadModel } from "../../run/mod.ts";
import {
  evaluationModel,
  rescues,
  summarizeThinking,
  think,
  type ThinkRecord,
  traceAnswer,
} from "../../train/mod.ts";
import {
  sampleFrames,
  stripSteps,
  type ThinkExample,
  type ThinkPointRecord,
  type ThinkSettings,
} from "../../train/think_point.ts";
import { writeFileAtomic } from "../../util/mod.ts";
import { type PlannedPoint, planThinking, type ThinkingStudy } from "./declare.ts";
import { heldOutData } from "./heldout.ts";

/** What {@link runThinkingStudy} reports as it goes. */
export type ThinkingEvent =
  | { kind: "kept"; point: PlannedPoint; index: number; total: number }
  | { kind: "start"; point: PlannedPoint; index: number; total: number }
  | { kind: "progress"; point: PlannedPoint; done: number; puzzles: number }
  | { kind: "done"; point: PlannedPoint; record: ThinkPointRecord };

/** Options of {@link runThinkingStudy}. */
export interface RunThinkingOptions {
  /** smoke shrinks the study (tests, CI); anything else runs it as declared. */
  preset?: string;
  /** Results root: records go to <results>/thinking/. */
  results?: string;
  /** The study's model path is relative to this folder (default "."). */
  root?: string;
  /** Rows per forward pass, puzzles × K (default the model's evalBatchSize). */
  batchSize?: number;
  /** false: run nothing, return the records there are. */
  run?: boolean;
  /** Run only these points (names); the others' records are returned as they are. */
  only?: readonly string[];
  /** Recorded with each point. */
  command?: string;
  backend?: string;
  onEvent?: (e: ThinkingEvent) => void;
}

/** The record path of a point. */
export function recordPath(results: string, id: string): string {
  return `${results}/thinking/${id}.json`;
}

/** Runs the points of `study` that have no record yet; returns every point's record there is. */
export async function runThinkingStudy(
  study: ThinkingStudy,
  opts: RunThinkingOptions = {},
): Promise<ThinkPointRecord[]> {
  const preset = opts.preset ?? "cpu", results = opts.results ?? "results";
  const plan = planThinking(study, preset);
  for (const name of opts.only ?? []) {
    if (!plan.some((p) => p.name === name)) {
      throw new Error(
        `${study.name} has no point "${name}" (${plan.map((p) => p.name).join(", ")})`,
      );
    }
  }
  const modelPath = `${opts.root ?? "."}/${study.model}`;
  const out: ThinkPointRecord[] = [];
  let m: Awaited<ReturnType<typeof loadModel>> | undefined, data: TaskData | undefined;
  for (const [i, point] of plan.entries()) {
    const old = await readRecord(recordPath(results, point.id));
    const want = (trainedDepth: number) => settingsOf(study, point, trainedDepth);
    if (old && sameRun(old, study, point, preset, want(old.model.trainedDepth))) {
      opts.onEvent?.({ kind: "kept", point, index: i + 1, total: plan.length });
      out.push(old);
      continue;
    }
    if (opts.run === false || (opts.only && !opts.only.includes(point.name))) continue;
    opts.onEvent?.({ kind: "start", point, index: i + 1, total: plan.length });
    m ??= await loadModel(modelPath);
    data ??= await heldOutData(m.cfg, study.heldOut.data);
    const record = await runPoint(study, point, m, data, { ...opts, preset });
    await Deno.mkdir(`${results}/thinking`, { recursive: true });
    const text = compactJson(record);
    await writeFileAtomic(recordPath(results, point.id), new TextEncoder().encode(text));
    opts.onEvent?.({ kind: "done", point, record });
    out.push(record);
  }
  return out;
}

function settingsOf(study: ThinkingStudy, p: PlannedPoint, trainedDepth: number): ThinkSettings {
  return {
    depth: p.depth ?? trainedDepth,
    samples: p.samples,
    noise: p.noise,
    noiseOn: p.noiseOn,
    start: p.start,
    seed: p.seed,
    recursions: 0, // filled from the model below; not compared
    latentSteps: 0,
    threshold: study.threshold,
    thresholds: [...study.thresholds],
  };
}

/** Whether a record was made by this point as declared now (else it runs again). */
function sameRun(
  r: ThinkPointRecord,
  study: ThinkingStudy,
  p: PlannedPoint,
  preset: string,
  want: ThinkSettings,
): boolean {
  const { recursions: _a, latentSteps: _b, ...a } = r.settings;
  const { recursions: _c, latentSteps: _d, ...b } = want;
  return r.preset === preset && r.model.path === study.model &&
    r.heldOut.puzzles === p.puzzles &&
    JSON.stringify(r.heldOut.data) === JSON.stringify(study.heldOut.data) &&
    JSON.stringify(a) === JSON.stringify(b);
}

async function readRecord(path: string): Promise<ThinkPointRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`${path}: ${e instanceof Error ? e.message : e}`);
  }
}

async function runPoint(
  study: ThinkingStudy,
  point: PlannedPoint,
  m: Awaited<ReturnType<typeof loadModel>>,
  data: TaskData,
  opts: RunThinkingOptions & { preset: string },
): Promise<ThinkPointRecord> {
  const started = new Date().toISOString(), t0 = performance.now();
  const trainedDepth = m.model.cfg.supervisionSteps;
  const settings = settingsOf(study, point, trainedDepth);
  const model = evaluationModel(m.model, {});
  settings.recursions = model.cfg.recursions;
  settings.latentSteps = model.cfg.latentSteps;
  if (data.test.length < point.puzzles) {
    throw new Error(
      `${point.id}: the held-out set has ${data.test.length} puzzles, not ${point.puzzles}`,
    );
  }
  const rec = await think(model, m.weights, data.test, {
    batchSize: opts.batchSize ?? m.cfg.train.evalBatchSize,
    depth: settings.depth,
    samples: settings.samples,
    noise: settings.noise,
    noiseOn: settings.noiseOn,
    start: settings.start,
    seed: settings.seed,
    limit: point.puzzles,
    onProgress: (done, puzzles) => opts.onEvent?.({ kind: "progress", point, done, puzzles }),
  });
  const summary = summarizeThinking(rec, {
    threshold: settings.threshold,
    thresholds: settings.thresholds,
  });
  return {
    study: study.name,
    point: point.name,
    id: point.id,
    label: point.label,
    preset: opts.preset,
    settings,
    model: { path: study.model, step: m.step, trainedDepth, config: m.cfg },
    heldOut: { source: data.source, data: { ...study.heldOut.data }, puzzles: rec.puzzles },
    code: await codeVersion(),
    command: opts.command ?? "",
    deno: Deno.version.deno,
    backend: opts.backend ?? "",
    started,
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
    summary,
    examples: data.task === "sudoku"
      ? await examples(rec, m, data.test as SudokuPuzzle[], trainedDepth)
      : [],
  };
}

/** One puzzle fixed by more steps (traced step by step) and one fixed by another trajectory. */
async function examples(
  rec: ThinkRecord,
  m: Awaited<ReturnType<typeof loadModel>>,
  puzzles: SudokuPuzzle[],
  trainedDepth: number,
): Promise<ThinkExample[]> {
  const fixed = rescues(rec), out: ThinkExample[] = [];
  const about = (p: number) => ({
    puzzle: p,
    question: Array.from(puzzles[p]!.question),
    answer: Array.from(puzzles[p]!.answer),
  });
  const deeper = fixed.find((r) => r.deeper);
  if (deeper) {
    const last = deeper.rightAt!;
    const trace = await traceAnswer(
      m.model,
      m.weights,
      encodeSudoku(puzzles[deeper.puzzle]!.question),
      {
        depth: last,
      },
    );
    const frames = stripSteps(trainedDepth, last).map((t) => ({
      label: `step ${t}`,
      cells: Array.from(decodeSudoku(trace.predictions[t - 1]!)),
      haltProb: trace.haltProb[t - 1]![0]!,
    }));
    out.push({ kind: "deeper", ...about(deeper.puzzle), frames });
  }
  const wider = fixed.find((r) => r.samples.length);
  if (wider) {
    out.push({ kind: "samples", ...about(wider.puzzle), frames: sampleFrames(rec, wider.puzzle) });
  }
  return out;
}

/** Indented JSON with arrays of numbers on one line (boards, thresholds), for short diffs. */
export function compactJson(value: unknown): string {
  const text = JSON.stringify(value, null, 1);
  return text.replace(/\[[\d\s,.eE+-]*\]/g, (a) => a.replace(/\s+/g, "")) + "\n";
}
