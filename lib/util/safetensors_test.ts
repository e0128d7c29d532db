import { assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import { decodeSafetensors, encodeSafetensors, loadTensorFile, saveTensorFile } from "./safetensors.ts";

const file = {
  tensors: {
    a: { dtype: "F32" as const, shape: [2, 2], data: new Float32Array([1, 2, 3, 4.5]) },
    b: { dtype: "I32" as const, shape: [3], data: new Int32Array([7, -1, 0]) },
  },
  metadata: { step: "12" },
};

Deno.test("encodeSafetensors()/decodeSafetensors() round-trip exactly", () => {
  const back = decodeSafetensors(encodeSafetensors(file));
  assertEquals(back, file);
});

Deno.test("decodeSafetensors() names the file when it is truncated", () => {
  const bytes = encodeSafetensors(file);
  assertThrows(
    () => decodeSafetensors(bytes.subarray(0, bytes.length - 4), "ckpt.safetensors"),
    'ckpt.safetensors: tensor "b" runs past the end',
  );
  assertThrows(() => decodeSafetensors(bytes.subarray(0, 5), "x"), "too short");
});

Deno.test("saveTensorFile() writes atomically and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  await saveTensorFile(`${dir}/c.safetensors`, file);
  await saveTensorFile(`${dir}/c.safetensors`, { ...file, metadata: { step: "13" } });
  assertEquals((await loadTensorFile(`${dir}/c.safetensors`)).metadata.step, "13");
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["c.safetensors"]);
  await assertRejects(() => loadTensorFile(`${dir}/missing.safetensors`), "cannot read checkpoint");
  await Deno.remove(dir, { recursive: true });
});
