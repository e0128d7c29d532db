import { assert } from "./assert.ts";
import { cpuInfoLine, machine } from "./machine.ts";

Deno.test("machine() names the CPU, the cores and the target", () => {
  const m = machine();
  assert(m.cpu.length > 0 && m.cores >= 1 && m.target === Deno.build.target);
  // On Linux the CPU is the model name from /proc/cpuinfo.
  if (Deno.build.os === "linux") assert(m.cpu === cpuInfoLine("model name"));
  assert(cpuInfoLine("no such key") === undefined);
});
