/**
 * Multithreaded wasm backend under Deno. Written against
 * `@tensorflow/tfjs-backend-wasm` 4.22.0 (and the Emscripten glue it ships)
 * on Deno 2.9.6; it leans on internals of both, so re-run
 * `wasm_threads_test.ts` after upgrading either.
 *
 * Why plain `tf.setBackend("wasm")` gives one thread in Deno:
 * 1. Deno has `process.versions.node`, so tfjs takes its Node path, where the
 *    `WASM_HAS_MULTITHREAD_SUPPORT` flag is hard-coded to false.
 * 2. With the flag forced, tfjs hands Emscripten the pthread worker script as
 *    a `blob:` URL, which `node:worker_threads` (what Emscripten uses under
 *    Node) cannot start; and each worker is then sent the glue as a Blob
 *    (which arrives as `{}`) to load with an `importScripts` that reads a path.
 * 3. The C side caps the XNNPACK pool at logical cores / 2 (1 on 2 cores), even
 *    after `setThreadsCount`.
 *
 * So, during initialisation only: the worker script and the glue go to files
 * in a private temp dir, `URL.createObjectURL` returns the worker file's path,
 * `os.cpus()` reports 2 × threads, and the workers Emscripten starts are
 * recorded (to be unref'd, or terminated on failure). Everything is restored
 * and the temp dir deleted before returning (the workers have read the files
 * by then); only the `WASM_HAS_MULTITHREAD_SUPPORT` flag stays true (it is
 * read at initialisation only).
 * Cost: Emscripten keeps a pool of 8 workers (about +110 MB RSS).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
// Emscripten's pthread worker script: the text tfjs puts in its Blob.
import { wasmWorkerContents } from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js";
// The threaded glue; tfjs sends it to workers as `"var ... = " + factory.toString()`, so do we.
import threadedFactory from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js";
import os from "node:os";
import workerThreads from "node:worker_threads";

/** Generous: the 8 pooled workers start in about 0.4 s on an idle 2-core machine. */
const INIT_TIMEOUT_MS = 60_000;

/**
 * Makes "wasm" the active backend with `threads` XNNPACK threads. Call it
 * instead of `tf.setBackend("wasm")`, before anything initialises the wasm
 * backend. Throws if it cannot; a plain `tf.setBackend("wasm")` then still
 * gives a working backend: the single-threaded one, or (if only the count
 * differs, e.g. above tfjs's cap of 8) the threaded one with what it got.
 */
export async function initWasmWithThreads(threads: number): Promise<{ threads: number }> {
  const fail = (why: string, cause?: unknown) =>
    new Error(`initWasmWithThreads(${threads}): ${why}`, { cause });
  if (!Number.isInteger(threads) || threads < 1) throw fail("threads must be a positive integer");
  // Not tf.findBackend("wasm"): that would itself start a single-threaded initialisation.
  if (tf.engine().registry["wasm"] !== undefined) {
    // Emscripten builds the module once per process; its pool cannot be resized.
    const have = wasm.getThreadsCount();
    if (have !== threads) {
      throw fail(`the wasm backend is already initialised, with ${have} thread(s)`);
    }
    await tf.setBackend("wasm");
    return { threads };
  }
  // Fail here rather than let Deno prompt for a permission.
  for (const name of ["read", "write"] as const) {
    if (Deno.permissions.querySync({ name }).state !== "granted") {
      throw fail(`needs --allow-${name}`);
    }
  }

  const dir = await Deno.makeTempDir({ prefix: "tfjs-wasm-threads-" });
  const gluePath = `${dir}/glue.js`;
  const workerPath = `${dir}/worker.cjs`; // .cjs: the worker script is CommonJS (require, __filename).
  await Deno.writeTextFile(gluePath, `var WasmBackendModuleThreadedSimd = ${threadedFactory};`);
  const glue = JSON.stringify(gluePath);
  // Appended to the worker script; see probeWorker.
  const probe = `if (require("worker_threads").workerData === "probe") ` +
    `{ importScripts(${glue}); postMessage(typeof WasmBackendModuleThreadedSimd); }`;
  await Deno.writeTextFile(
    workerPath,
    // The worker's Node path assigns these globals; in a Deno worker some are getters
    // ("Cannot set property location"), so first make them plain writable properties.
    `for (const k of ["self", "location", "postMessage", "performance", "Worker", "importScripts"])` +
      ` Object.defineProperty(globalThis, k, { value: globalThis[k], writable: true, configurable: true });\n` +
      // The glue Blob the worker is sent becomes the glue file.
      `URL.createObjectURL = () => ${glue}; URL.revokeObjectURL = () => {};\n` +
      // As tfjs does before making its Blob: the template literal turned the "\n" escapes into newlines.
      wasmWorkerContents.replace(/\n/g, "\\n") + "\n" + probe + "\n",
  );

  const g = globalThis as { Worker?: unknown };
  const savedWorker = g.Worker; // Emscripten's Node path replaces it with worker_threads' Worker.
  const savedCreateObjectURL = URL.createObjectURL;
  const savedCpus = os.cpus;
  const NodeWorker = workerThreads.Worker;
  const created: InstanceType<typeof NodeWorker>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ok = false; // whether tf.setBackend succeeded
  try {
    await probeWorker(NodeWorker, workerPath);
    // Emscripten takes its Worker class from require("worker_threads") (this same object):
    // record what it starts, to unref or terminate below.
    workerThreads.Worker = class extends NodeWorker {
      constructor(...args: ConstructorParameters<typeof NodeWorker>) {
        super(...args);
        created.push(this);
      }
    };
    URL.createObjectURL = (obj: Parameters<typeof URL.createObjectURL>[0]) =>
      obj instanceof Blob && obj.type === "application/javascript"
        ? workerPath
        : savedCreateObjectURL(obj);
    os.cpus = () => new Array(2 * threads).fill({}); // Emscripten only reads .length.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    wasm.setThreadsCount(threads);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("the wasm workers did not start in time")),
        INIT_TIMEOUT_MS,
      );
    });
    if (!(await Promise.race([tf.setBackend("wasm"), timeout]))) {
      throw new Error("tf.setBackend failed");
    }
    ok = true; // From here on the backend is live: its workers must not be terminated.
    // Emscripten ref()s the worker of each running pthread, and XNNPACK's pool threads (all
    // started by now) never end, so the process could not exit on its own: unref them all.
    for (const w of created) w.unref();
    const got = wasm.getThreadsCount();
    if (got !== threads) throw new Error(`XNNPACK has ${got} thread(s); the backend keeps them`);
    return { threads };
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e), e);
  } finally {
    clearTimeout(timer);
    URL.createObjectURL = savedCreateObjectURL;
    os.cpus = savedCpus;
    workerThreads.Worker = NodeWorker;
    g.Worker = savedWorker;
    if (!ok) {
      // Workers that never loaded stay ref'd and would keep the process alive.
      await Promise.allSettled(created.map((w) => w.terminate()));
      // Let a later plain tf.setBackend("wasm") build the single-threaded module.
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      wasm.setThreadsCount(-1);
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Runs the worker script once on its own, with an error handler: if it cannot
 * run here, the real workers would fail inside Emscripten, which rethrows the
 * error on the main thread and takes the process down.
 */
async function probeWorker(
  NodeWorker: typeof workerThreads.Worker,
  workerPath: string,
): Promise<void> {
  const w = new NodeWorker(workerPath, { workerData: "probe" });
  try {
    const answer = await new Promise((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
      w.once("exit", (code) => reject(new Error(`probe worker exited with code ${code}`)));
    });
    if (answer !== "function") throw new Error(`probe worker answered ${String(answer)}`);
  } finally {
    await w.terminate();
  }
}
