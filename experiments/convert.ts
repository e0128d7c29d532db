/**
 * Weights interchange with the official PyTorch TRM (state dict as safetensors).
 *
 *   deno task convert import official.safetensors --out results/runs/imported [model flags]
 *   deno task convert export results/runs/my-run --out my-run.safetensors [--raw]
 *
 * `import` writes a run folder (config.json + checkpoint.safetensors) that
 * `deno task eval --out FOLDER` and `deno task solve --out FOLDER` accept. The
 * architecture is read off the tensor shapes (D, vocabulary and so the Sudoku
 * size, layers, mixer, expansion, puzzle table, and for the MLP mixer the
 * puzzle prefix); what shapes cannot tell (heads, RoPE or not, the attention
 * model's prefix, n, T, N_sup) comes from flags, else the paper's values, else
 * from the `kit_config` a kit export carries. bf16/fp16/fp64 tensors are
 * converted to fp32.
 *
 * `export` writes the evaluation weights (the EMA ones where the checkpoint
 * has them, as the reference saves its EMA copy; `--raw` for the trained
 * ones) under the official names, with the official architecture keys in the
 * metadata (`trm_config`), so `tools/reference/predict.py` can run them.
 *
 * `weights` keeps a run's evaluation weights as a small kit folder
 * (`checkpoint.safetensors` without optimiser state or carry, and a
 * `config.json` record with the run's held-out result): what
 * `results/models/` holds for notebooks that must not train.
 *
 * @module
 */
import {
  countParameters,
  decodeAnySafetensors,
  expansionFor,
  kitToOfficial,
  officialArch,
  officialToKit,
  shapeFacts,
  weightSpecs,
} from "@kit/model/mod.ts";
import {
  codeVersion,
  type Config,
  findKey,
  flattenConfig,
  parseCommandLine,
  resolveConfig,
  runMain,
} from "@kit/run/mod.ts";
import {
  CHECKPOINT_FORMAT,
  checkpointConfig,
  checkWeights,
  evalWeightsOnly,
} from "@kit/train/mod.ts";
import {
  encodeSafetensors,
  loadTensorFile,
  type StoredTensor,
  writeFileAtomic,
} from "@kit/util/mod.ts";

const FLAGS = {
  out: "string",
  preset: "string",
  step: "string",
  raw: "boolean",
  force: "boolean",
  help: "boolean",
} as const;

const USAGE = `usage:
  deno task convert import <official.safetensors> --out <run folder> [--preset paper] [--size 9]
      [--heads 8] [--posEncoding rope|none] [--puzzlePrefix 16] [--n 6] [--T 3] [--N_sup 16] [--force]
  deno task convert export <run folder | checkpoint.safetensors> --out <file.safetensors> [--raw]
  deno task convert weights <run folder> --out <folder>   # the EMA weights only, for results/models/`;

/** Blank cells of the generated held-out set per Sudoku size, when the size is read off the vocabulary. */
const BLANKS: Record<number, number> = { 4: 8, 6: 24, 9: 50 };

/** Settable config leaves of a stored kit config, as overrides. */
function configOverrides(cfg: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flattenConfig(cfg))) {
    try {
      findKey(k);
      out[k] = v;
    } catch {
      // derived (vocabSize, seqLen) or no longer a key: skipped
    }
  }
  return out;
}

/**
 * The run config of an official state dict: the shapes' facts over the kit
 * config a kit export stores (if any) over the preset, then the user's flags.
 */
export function importConfig(
  tensors: Record<string, StoredTensor>,
  metadata: Record<string, string>,
  flags: Record<string, string>,
  preset = "paper",
): Config {
  const facts = shapeFacts(tensors);
  // Flags may use aliases or section.leaf ("--n", "--data.size"): keyed by leaf from here on.
  flags = Object.fromEntries(Object.entries(flags).map(([k, v]) => [findKey(k)[1], v]));
  const base: Record<string, unknown> = metadata.kit_config
    ? configOverrides(JSON.parse(metadata.kit_config) as Config)
    : {};
  const given = (k: string) => flags[k] ?? base[k];
  const data: Record<string, unknown> = {};
  if ((given("task") ?? "sudoku") === "sudoku") {
    // Sudoku's vocabulary is size + 2 (PAD, blank, digits).
    const size = Number(given("size") ?? facts.vocabSize - 2);
    if (!(size in BLANKS)) {
      throw new Error(
        `vocabulary ${facts.vocabSize} is not a Sudoku one (4x4: 6, 6x6: 8, 9x9: 11); name the task and its size with flags`,
      );
    }
    data.size = size;
    if (given("blanks") === undefined) data.blanks = BLANKS[size];
  }
  const expansion = expansionFor(facts, Number(given("expansion") ?? 4));
  if (expansion === undefined) {
    throw new Error(
      `no expansion gives the SwiGLU widths in the weights (channel ${facts.channelWidth}${
        facts.tokenWidth ? `, token ${facts.tokenWidth}` : ""
      })`,
    );
  }
  const shapes: Record<string, unknown> = {
    hiddenSize: facts.hiddenSize,
    layers: facts.layers,
    mixer: facts.mixer,
    expansion,
    numPuzzleIds: facts.numPuzzleIds ?? 1,
    // Without a table there is no prefix; the attention model's prefix cannot be seen
    // (official TRM: 16; HRM: ceil(puzzle_emb_ndim / D) = 1).
    puzzlePrefix: facts.numPuzzleIds === undefined
      ? 0
      : given("puzzlePrefix") ?? (facts.arch === "hrm" ? 1 : 16),
    // Shapes cannot see RoPE either; the official attention recipes all use it.
    posEncoding: facts.mixer === "mlp" ? "none" : given("posEncoding") ?? "rope",
    // A second module (H_level) is HRM: separate nets, 1-step gradient, Q-learning ACT by default.
    ...(facts.arch === "hrm"
      ? {
        arch: "hrm",
        networks: "separate",
        gradient: "oneStep",
        latentMode: "pair",
        halting: given("halting") ?? "qAct",
      }
      : {}),
  };
  // A flag that contradicts the weights is kept: the shape check then names the tensors.
  const overrides = { ...base, ...data, ...shapes, ...flags };
  const cfg = resolveConfig(preset, overrides);
  if (facts.totalLength === undefined || facts.numPuzzleIds === undefined || flags.puzzlePrefix) {
    return cfg;
  }
  // The token mixer's width is prefix + sequence length.
  const prefix = facts.totalLength - cfg.model.seqLen;
  if (prefix < 0) {
    throw new Error(
      `the token mixer is ${facts.totalLength} wide, shorter than the task's ${cfg.model.seqLen} tokens`,
    );
  }
  return resolveConfig(preset, { ...overrides, puzzlePrefix: prefix });
}

async function importWeights(input: string, out: string, p: ReturnType<typeof parseCommandLine>) {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(input);
  } catch (e) {
    throw new Error(`cannot read ${input}: ${(e as Error).message}`);
  }
  const { file, converted } = decodeAnySafetensors(bytes, input);
  const cfg = importConfig(file.tensors, file.metadata, p.overrides, p.flags.preset as string);
  const kit = officialToKit(file.tensors, cfg.model, input);
  const ckpt = `${out}/checkpoint.safetensors`;
  if (!p.flags.force && await Deno.stat(ckpt).then(() => true, () => false)) {
    throw new Error(`${ckpt} exists; pass --force to overwrite it`);
  }
  await Deno.mkdir(out, { recursive: true });
  const step = String(p.flags.step ?? file.metadata.step ?? 0);
  const tensors = Object.fromEntries(Object.entries(kit).map(([n, t]) => [`w/${n}`, t]));
  await writeFileAtomic(
    ckpt,
    encodeSafetensors({
      tensors,
      metadata: {
        format: CHECKPOINT_FORMAT,
        config: JSON.stringify(cfg),
        step,
        importedFrom: input,
      },
    }),
  );
  const params = countParameters(cfg.model);
  const record = {
    config: cfg,
    seed: cfg.run.seed,
    params,
    importedFrom: input,
    converted,
    code: await codeVersion(),
    command: `deno task convert ${Deno.args.join(" ")}`,
    deno: Deno.version.deno,
    started: new Date().toISOString(),
  };
  await Deno.writeTextFile(`${out}/config.json`, JSON.stringify(record, null, 2) + "\n");
  const m = cfg.model;
  console.log(
    `imported ${Object.keys(kit).length} tensors (${
      params.toLocaleString("en")
    } parameters) from ${input}`,
  );
  console.log(
    `  ${
      m.mixer === "mlp" ? "TRM-MLP" : `TRM-Att (${m.heads} heads, ${m.posEncoding})`
    }, D=${m.hiddenSize}, ${m.layers} layers, ` +
      `${cfg.data.task} ${cfg.model.seqLen} tokens, prefix ${m.puzzlePrefix}, n=${m.latentSteps} T=${m.recursions} N_sup=${m.supervisionSteps}`,
  );
  if (converted.length) console.log(`  converted to fp32: ${converted.join(", ")}`);
  console.log(`  wrote ${ckpt}\n  evaluate: deno task eval --out ${out}`);
}

async function exportWeights(input: string, out: string, raw: boolean) {
  const path = await Deno.stat(input).then((s) => s.isDirectory, () => false)
    ? `${input}/checkpoint.safetensors`
    : input;
  const file = await loadTensorFile(path);
  const cfg = checkpointConfig(file, path);
  checkWeights(file, cfg.model, "w/", path);
  const useEma = !raw && weightSpecs(cfg.model).some((s) => file.tensors[`ema/${s.name}`]);
  const weights = Object.fromEntries(
    weightSpecs(cfg.model).map((s) => [
      s.name,
      (useEma ? file.tensors[`ema/${s.name}`] : undefined) ?? file.tensors[`w/${s.name}`]!,
    ]),
  );
  const official = kitToOfficial(weights, cfg.model);
  await writeFileAtomic(
    out,
    encodeSafetensors({
      tensors: official,
      metadata: {
        format: "pt",
        trm_config: JSON.stringify(officialArch(cfg.model)),
        kit_config: JSON.stringify(cfg),
        step: file.metadata.step ?? "0",
        weights: useEma ? "ema" : "raw",
        source: path,
      },
    }),
  );
  console.log(
    `exported ${Object.keys(official).length} tensors (${useEma ? "EMA" : "raw"} weights, step ${
      file.metadata.step ?? 0
    }) from ${path} to ${out}`,
  );
}

/** The run's evaluation weights as a weights-only kit folder, with a record of where they come from. */
async function keepWeights(run: string, out: string) {
  const path = `${run}/checkpoint.safetensors`;
  const slim = evalWeightsOnly(await loadTensorFile(path), path);
  const cfg = checkpointConfig(slim, path);
  const summary = await Deno.readTextFile(`${run}/summary.json`).then(JSON.parse, () => undefined);
  await Deno.mkdir(out, { recursive: true });
  await writeFileAtomic(`${out}/checkpoint.safetensors`, encodeSafetensors(slim));
  const record = {
    config: cfg,
    seed: cfg.run.seed,
    params: countParameters(cfg.model),
    step: Number(slim.metadata.step),
    weights: slim.metadata.weights,
    exportedFrom: run,
    heldOut: summary?.test,
    code: await codeVersion(),
    command: `deno task convert ${Deno.args.join(" ")}`,
    deno: Deno.version.deno,
    written: new Date().toISOString(),
  };
  await Deno.writeTextFile(`${out}/config.json`, JSON.stringify(record, null, 2) + "\n");
  console.log(
    `kept the ${slim.metadata.weights} weights of ${path} (step ${record.step}) in ${out}`,
  );
}

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  const [mode, input] = p.positionals;
  if (p.flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (!(mode === "import" || mode === "export" || mode === "weights") || !input || !p.flags.out) {
    console.log(USAGE);
    return 2;
  }
  const out = p.flags.out as string;
  if (mode === "import") await importWeights(input, out, p);
  else if (mode === "weights") await keepWeights(input, out);
  else await exportWeights(input, out, Boolean(p.flags.raw));
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
