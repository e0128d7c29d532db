/**
 * A claim on a run folder, so that two sweeps started at once on the same
 * results folder never train the same run together.
 *
 * The claim is a file `<run>/claim.json` created with `createNew` (atomic on
 * local file systems): `{ pid, host, time }`, the process's start time on
 * Linux, and the Slurm job (`<array job>_<task>`, and its cluster) when the
 * holder is a Slurm task. The holder touches it every 30 s. A claim is stale
 * when its process is gone: on this host, when the pid no longer exists or
 * now names a process started at another time (a reused pid); from another
 * host (a shared disk), when its Slurm job is no longer active in this
 * cluster's `squeue`, else when it has not been touched for 10 minutes. A
 * claim file left empty by a process killed while creating it is stale after
 * a minute. A stale claim is taken over by renaming it away first, so two
 * processes that both find it stale cannot both win.
 *
 * @module
 */

/** What a claim file holds. */
export interface ClaimInfo {
  pid: number;
  host: string;
  /** ISO time the claim was made. */
  time: string;
  /** The process's start time (clock ticks since boot, /proc/<pid>/stat), on Linux. */
  start?: number;
  /** The Slurm job holding it (`<array job id>_<task id>`, or the job id), when in one. */
  slurmJob?: string;
  /** That job's cluster (SLURM_CLUSTER_NAME). */
  slurmCluster?: string;
}

/** A held claim; `release()` removes the file and stops the heartbeat. */
export interface Claim {
  path: string;
  info: ClaimInfo;
  release(): Promise<void>;
}

const FILE = "claim.json";
const HEARTBEAT_MS = 30_000;
/** How old another host's claim must be before it counts as abandoned. */
export const REMOTE_STALE_MS = 10 * 60_000;
/** How old a claim file left empty (its creator killed before writing it) must be. */
export const TORN_STALE_MS = 60_000;

/** Whether process `pid` exists on this host (signal 0 checks without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return !(e instanceof Deno.errors.NotFound);
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of
 * /proc/<pid>/stat), or undefined where that cannot be read (not Linux, gone).
 */
export function processStart(pid: number): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name (field 2) is in parentheses and may hold spaces.
    const start = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** The Slurm job this process runs in, if any: `<array job>_<task>` for an array task. */
export function slurmJobOfThisProcess(): { slurmJob?: string; slurmCluster?: string } {
  const env = (k: string) => Deno.env.get(k);
  const array = env("SLURM_ARRAY_JOB_ID"), task = env("SLURM_ARRAY_TASK_ID");
  const job = array && task ? `${array}_${task}` : env("SLURM_JOB_ID");
  if (!job) return {};
  const cluster = env("SLURM_CLUSTER_NAME");
  return { slurmJob: job, ...(cluster ? { slurmCluster: cluster } : {}) };
}

/** Job states in which a Slurm job's processes may still run. */
const ACTIVE_STATES = new Set([
  "PENDING",
  "CONFIGURING",
  "RUNNING",
  "SUSPENDED",
  "COMPLETING",
  "RESIZING",
  "REQUEUED",
  "REQUEUE_FED",
  "REQUEUE_HOLD",
  "SIGNALING",
  "STAGE_OUT",
  "STOPPED",
]);

let localCluster: string | null | undefined;
let squeueDownUntil = 0;

/** This machine's Slurm cluster name (`scontrol show config`), cached; null without Slurm. */
function thisCluster(): string | null {
  if (localCluster !== undefined) return localCluster;
  localCluster = Deno.env.get("SLURM_CLUSTER_NAME") ?? null;
  if (localCluster === null) {
    try {
      const r = new Deno.Command("scontrol", {
        args: ["show", "config"],
        stdout: "piped",
        stderr: "null",
      })
        .outputSync();
      const m = new TextDecoder().decode(r.stdout).match(/^ClusterName\s*=\s*(\S+)/m);
      localCluster = r.success && m ? m[1]! : null;
    } catch {
      localCluster = null;
    }
  }
  return localCluster;
}

/**
 * Whether Slurm job `job` (e.g. "123_4") is still active, from `squeue` on
 * this machine: false once it has ended (or been purged), undefined when
 * `squeue` cannot tell (absent, no controller, or the job is another cluster's).
 */
export function slurmJobActive(job: string, cluster?: string): boolean | undefined {
  const here = thisCluster();
  if (here === null || (cluster !== undefined && cluster !== here)) return undefined;
  if (Date.now() < squeueDownUntil) return undefined;
  try {
    const r = new Deno.Command("squeue", {
      args: ["-h", "-j", job, "-o", "%T"],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const out = new TextDecoder().decode(r.stdout).trim();
    if (!r.success) {
      if (/invalid job id/i.test(new TextDecoder().decode(r.stderr))) return false;
      squeueDownUntil = Date.now() + 60_000; // no controller: do not wait on it again soon
      return undefined;
    }
    return out.split(/\s+/).some((s) => ACTIVE_STATES.has(s));
  } catch {
    return undefined;
  }
}

/** Whether a claim was left by a process that is gone. */
export function claimIsStale(info: ClaimInfo, touched: Date, now = new Date()): boolean {
  const age = now.getTime() - touched.getTime();
  if (!info.host) return age > TORN_STALE_MS; // an empty file: its creator died writing it
  if (info.host === Deno.hostname()) {
    if (!pidAlive(info.pid)) return true;
    const start = info.start === undefined ? undefined : processStart(info.pid);
    return start !== undefined && start !== info.start; // the pid now names another process
  }
  if (info.slurmJob && slurmJobActive(info.slurmJob, info.slurmCluster) === false) return true;
  return age > REMOTE_STALE_MS;
}

/** Reads the claim on a run folder, or undefined when there is none (or it is torn). */
export async function readClaim(
  dir: string,
): Promise<{ info: ClaimInfo; touched: Date } | undefined> {
  const path = `${dir}/${FILE}`;
  try {
    const [text, stat] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
    return { info: JSON.parse(text) as ClaimInfo, touched: stat.mtime ?? new Date(0) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    // Written but not yet filled by its creator: held, until it has been empty a while.
    if (e instanceof SyntaxError) {
      const touched = await Deno.stat(path).then((s) => s.mtime ?? new Date(), () => new Date());
      return { info: { pid: -1, host: "", time: "" }, touched };
    }
    throw e;
  }
}

async function create(path: string, info: ClaimInfo): Promise<boolean> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(path, { write: true, createNew: true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw e;
  }
  try {
    await f.write(new TextEncoder().encode(JSON.stringify(info)));
  } finally {
    f.close();
  }
  return true;
}

/**
 * Moves a stale claim aside. Returns false when the file moved was not the one
 * judged stale (another process replaced it meanwhile); it is then put back.
 */
async function removeStale(path: string, stale: ClaimInfo): Promise<boolean> {
  const aside = `${path}.stale-${Deno.pid}-${Date.now()}`;
  try {
    await Deno.rename(path, aside);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw e;
  }
  let moved: Partial<ClaimInfo>;
  try {
    moved = JSON.parse(await Deno.readTextFile(aside));
  } catch {
    moved = { pid: -1, host: "", time: "" }; // empty, as a torn claim
  }
  const same = moved.pid === stale.pid && moved.host === stale.host && moved.time === stale.time;
  // A fresh claim moved by mistake goes back, unless a third process claimed in between.
  if (!same) await Deno.link(aside, path).catch(() => {});
  await Deno.remove(aside);
  return same;
}

/**
 * Claims run folder `dir` (created if needed) for this process. Returns
 * undefined when a live process holds it.
 */
export async function tryClaim(dir: string): Promise<Claim | undefined> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${FILE}`;
  const start = processStart(Deno.pid);
  const info: ClaimInfo = {
    pid: Deno.pid,
    host: Deno.hostname(),
    time: new Date().toISOString(),
    ...(start === undefined ? {} : { start }),
    ...slurmJobOfThisProcess(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await create(path, info)) {
      const beat = setInterval(() => {
        const now = new Date();
        Deno.utime(path, now, now).catch(() => {});
      }, HEARTBEAT_MS);
      Deno.unrefTimer(beat);
      return {
        path,
        info,
        async release() {
          clearInterval(beat);
          await Deno.remove(path).catch(() => {});
        },
      };
    }
    const held = await readClaim(dir);
    if (held && !claimIsStale(held.info, held.touched)) return undefined;
    if (held && !(await removeStale(path, held.info))) return undefined;
  }
  return undefined;
}
