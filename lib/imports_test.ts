/**
 * The kit's rooms import downward only:
 *
 *     util  <-  backend  <-  data, model  <-  train  <-  run  <-  studies, report
 *
 * backend (the TensorFlow.js backend, OpenBLAS, wasm kernels and threads, and
 * the kernel choices the model's layers read) sits just above util, so the
 * model asks it which kernels run and it never reaches into the model. data
 * and model are siblings (neither imports the other); studies and report
 * both sit on run; lib/mod.ts gathers every room. lib/ never imports experiments/, notebooks/ or
 * tools/, and notebooks and tools never import experiments/ (the CLIs are the
 * top, not a library). No module of lib/ imports itself through others (no
 * import cycles). Tests and test data may reach up for fixtures (a
 * trainer test resolves a config), so they are left out.
 */
import { assertEquals } from "./util/assert.ts";

const root = new URL("..", import.meta.url).pathname;
const RANK: Record<string, number> = {
  util: 0,
  backend: 1,
  data: 2,
  model: 2,
  train: 3,
  run: 4,
  studies: 5,
  report: 5,
};

/** Every file under `dir` (relative to the root) whose name passes `keep`. */
function walk(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(`${root}${dir}`)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory && e.name !== "testdata") out.push(...walk(path, keep));
    else if (e.isFile && keep(e.name)) out.push(path);
  }
  return out;
}

/** The files `file` imports, as paths from the root ("lib/run/config.ts", "experiments/x.ts"). */
export function importsOf(file: string, text: string): string[] {
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*"?(?:import|export)[^;"']*?from\s*\\?["']([^"'\\]+)\\?["']/g),
  ]
    .map((m) => m[1]!);
  const dir = file.slice(0, file.lastIndexOf("/"));
  return specs.flatMap((s) => {
    if (s.startsWith("@kit/")) return [`lib/${s.slice(5)}`];
    if (!s.startsWith(".")) return []; // npm packages, node: builtins
    const parts = `${dir}/${s}`.split("/");
    const out: string[] = [];
    for (const p of parts) {
      if (p === "..") out.pop();
      else if (p !== ".") out.push(p);
    }
    return [out.join("/")];
  });
}

/** The imports of `files` that run against the layering, as "from -> to". */
export function backwardEdges(files: { path: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const { path, text } of files) {
    const top = path.split("/")[0]!;
    for (const to of importsOf(path, text)) {
      const target = to.split("/")[0]!;
      const edge = `${path} -> ${to}`;
      if (top === "lib") {
        if (target !== "lib") bad.push(edge);
        else if (path === "lib/mod.ts") continue; // the whole kit, room by room: on top of all
        else {
          const [from, into] = [path.split("/")[1]!, to.split("/")[1]!];
          const ok = from === into || (RANK[into]! < RANK[from]!);
          if (!(from in RANK) || !(into in RANK) || !ok) bad.push(edge);
        }
      } else if ((top === "notebooks" || top === "tools") && target === "experiments") {
        bad.push(edge);
      }
    }
  }
  return bad;
}

/** Import cycles among `files` (each as "a -> b -> a"), following only imports inside the set. */
export function importCycles(files: { path: string; text: string }[]): string[] {
  const paths = new Set(files.map((f) => f.path));
  const next = new Map(
    files.map((f) => [f.path, importsOf(f.path, f.text).filter((t) => paths.has(t))]),
  );
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (v: string) => {
    state.set(v, "open");
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (state.get(w) === "open") cycles.push([...stack.slice(stack.indexOf(w)), w].join(" -> "));
      else if (!state.has(w)) visit(w);
    }
    stack.pop();
    state.set(v, "done");
  };
  for (const f of files) if (!state.has(f.path)) visit(f.path);
  return cycles;
}

const isSource = (n: string) => n.endsWith(".ts") && !n.endsWith("_test.ts");
const sources = [
  ...walk("lib", isSource),
  ...walk("tools", isSource),
  ...walk("notebooks", (n) => n.endsWith(".ipynb")),
].map((path) => ({ path, text: Deno.readTextFileSync(`${root}${path}`) }));

Deno.test("lib imports run downward only; notebooks and tools never import experiments", () => {
  assertEquals(backwardEdges(sources), []);
});

Deno.test("lib has no import cycles", () => {
  assertEquals(importCycles(sources.filter((f) => f.path.startsWith("lib/"))), []);
  const pair = [
    { path: "lib/run/a.ts", text: 'import type { B } from "./b.ts";' },
    { path: "lib/run/b.ts", text: 'import type { A } from "./a.ts";' },
  ];
  assertEquals(importCycles(pair), ["lib/run/a.ts -> lib/run/b.ts -> lib/run/a.ts"]);
});

Deno.test("backwardEdges() catches an upward import, a sibling import and a CLI import", () => {
  const files = [
    { path: "lib/train/x.ts", text: 'import type { Config } from "../run/config.ts";' },
    { path: "lib/backend/v.ts", text: 'import { linear } from "../model/layers.ts";' },
    { path: "lib/model/u.ts", text: 'import { kernelChoice } from "../backend/kernels.ts";' },
    { path: "lib/data/y.ts", text: 'import { TRM } from "@kit/model/trm.ts";' },
    {
      path: "lib/run/z.ts",
      text: 'import { a } from "../train/trainer.ts";\nimport b from "npm:x";',
    },
    {
      path: "notebooks/n.ipynb",
      text: '"import { main } from \\"../experiments/sweep.ts\\";\\n",',
    },
    { path: "lib/report/w.ts", text: 'export { q } from "../../experiments/report.ts";' },
  ];
  assertEquals(backwardEdges(files), [
    "lib/train/x.ts -> lib/run/config.ts",
    "lib/backend/v.ts -> lib/model/layers.ts",
    "lib/data/y.ts -> lib/model/trm.ts",
    "notebooks/n.ipynb -> experiments/sweep.ts",
    "lib/report/w.ts -> experiments/report.ts",
  ]);
});
