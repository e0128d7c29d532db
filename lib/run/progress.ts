/**
 * A progress bar for run events, drawn on stderr: in place on a terminal,
 * one line per log event otherwise (CI logs, nohup).
 *
 * @module
 */
import type { RunEvent } from "./run.ts";

const enc = new TextEncoder();

function fmtTime(sec: number): string {
  if (!Number.isFinite(sec)) return "?";
  const m = Math.floor(sec / 60), s = Math.floor(sec % 60);
  return m >= 60
    ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`
    : `${m}:${String(s).padStart(2, "0")}`;
}

/** A bar like `[#####.....] 120/1000` with the given suffix. */
export function bar(done: number, total: number, width = 24): string {
  const f = total > 0 ? Math.min(1, done / total) : 0;
  const n = Math.round(f * width);
  return `[${"#".repeat(n)}${".".repeat(width - n)}] ${done}/${total}`;
}

/** Returns an event handler that renders progress to stderr. */
export function progressPrinter(
  opts: { timeBudgetMin?: number; quiet?: boolean } = {},
): (e: RunEvent) => void {
  const tty = Deno.stderr.isTerminal();
  const write = (s: string) => Deno.stderr.writeSync(enc.encode(s));
  let lastData = 0;
  let startStep = 0;
  return (e) => {
    if (opts.quiet) return;
    switch (e.kind) {
      case "data": {
        const now = Date.now();
        if (e.done === e.total || now - lastData > 500) {
          lastData = now;
          const line = `generating ${e.what} ${bar(e.done, e.total)}`;
          if (tty) write(`\r${line}${e.done === e.total ? "\n" : ""}`);
          else if (e.done === e.total) write(line + "\n");
        }
        break;
      }
      case "start":
        startStep = e.step;
        write(
          `backend ${e.backend.name} (${e.backend.provider}, ${e.backend.threads} thread${
            e.backend.threads > 1 ? "s" : ""
          }${e.backend.note ? `; ${e.backend.note}` : ""}), ${
            e.params.toLocaleString("en")
          } parameters, ${e.resumed ? `resumed at step ${e.step}` : "from scratch"}\n`,
        );
        break;
      case "log": {
        const m = e.metrics;
        const budget = (opts.timeBudgetMin ?? 0) * 60;
        const done = e.step - startStep;
        const eta = done > 0 ? (e.elapsedSec / done) * (e.steps - e.step) : Infinity;
        // When the time budget ends the run before its step count, the bar shows time.
        const byTime = budget > 0 && budget - e.elapsedSec < eta;
        const progress = byTime
          ? `${bar(Math.round(e.elapsedSec), budget).replace(/ \d+\/\d+$/, "")} step ${e.step}`
          : bar(e.step, e.steps);
        const left = byTime ? budget - e.elapsedSec : eta;
        const line = `${progress} loss ${m.loss.toFixed(3)} cell ${
          (100 * m.tokenAcc).toFixed(1)
        }% exact ${(100 * m.exactAcc).toFixed(1)}% halt@${m.stepsAtHalt.toFixed(1)} ${
          e.tokensPerSec.toFixed(0)
        } tok/s ${fmtTime(e.elapsedSec)}<${fmtTime(Math.max(0, left))}`;
        write(tty ? `\r\x1b[2K${line}` : line + "\n");
        break;
      }
      case "eval": {
        const m = e.metrics;
        const line = `${e.final ? "held-out" : "eval"} @ step ${e.step}: exact ${
          (100 * m.exactAcc).toFixed(1)
        }% cell ${
          (100 * m.tokenAcc).toFixed(1)
        }% on ${m.count} puzzles, halting head would stop at ${m.stepsUsed.toFixed(1)} steps${
          e.extra.raw ? `; raw weights ${(100 * e.extra.raw.exactAcc).toFixed(1)}%` : ""
        }${
          e.extra.trainSet
            ? `; training puzzles ${(100 * e.extra.trainSet.exactAcc).toFixed(1)}%`
            : ""
        }`;
        write(tty ? `\r\x1b[2K${line}\n` : line + "\n");
        break;
      }
      case "finished":
        write(
          `the run had already finished at step ${e.step} (held-out exact ${
            (100 * e.summary.test.exactAcc).toFixed(1)
          }%); nothing to do\n`,
        );
        break;
      case "checkpoint":
        if (!tty) write(`checkpoint @ step ${e.step}: ${e.path}\n`);
        break;
    }
  };
}
