/**
 * Checkpoints as safetensors files (8-byte little-endian header length, a
 * JSON header, raw little-endian data), so numpy and PyTorch can read them.
 * Written atomically: a temporary file is written and fsynced, then renamed,
 * so a killed process leaves either the old checkpoint or the new one.
 *
 * @module
 */
import { writeFileAtomic } from "./fs.ts";

/** A named array as stored. */
export interface StoredTensor {
  dtype: "F32" | "I32";
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Tensors plus string metadata (the safetensors `__metadata__`). */
export interface TensorFile {
  tensors: Record<string, StoredTensor>;
  metadata: Record<string, string>;
}

/** Serialises to safetensors bytes. */
export function encodeSafetensors(file: TensorFile): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: file.metadata };
  let offset = 0;
  const names = Object.keys(file.tensors);
  for (const name of names) {
    const t = file.tensors[name]!;
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8); // aligns the data to 8 bytes
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = file.tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

/** One tensor's entry in a safetensors header. */
export interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Reads a safetensors header: the tensor entries, the metadata, and where
 * the data starts. Errors name `source` and say what is wrong.
 */
export function readSafetensorsHeader(
  bytes: Uint8Array,
  source: string,
): { entries: [string, HeaderEntry][]; metadata: Record<string, string>; base: number } {
  if (bytes.length < 8) throw new Error(`${source}: too short to be a safetensors file`);
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (8 + len > bytes.length) {
    throw new Error(
      `${source}: header length ${len} runs past the end of the file (truncated, or not safetensors?)`,
    );
  }
  let header: Record<string, HeaderEntry>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len)));
  } catch (e) {
    throw new Error(`${source}: unreadable header (${(e as Error).message})`);
  }
  const { __metadata__: metadata, ...rest } = header as Record<string, unknown>;
  return {
    entries: Object.entries(rest) as [string, HeaderEntry][],
    metadata: (metadata ?? {}) as Record<string, string>,
    base: 8 + len,
  };
}

/** Parses safetensors bytes; `source` names the file in errors. */
export function decodeSafetensors(bytes: Uint8Array, source = "checkpoint"): TensorFile {
  const { entries, metadata, base } = readSafetensorsHeader(bytes, source);
  const tensors: Record<string, StoredTensor> = {};
  for (const [name, h] of entries) {
    const [from, to] = h.data_offsets;
    if (base + to > bytes.length) {
      throw new Error(`${source}: tensor "${name}" runs past the end of the file (truncated?)`);
    }
    const raw = bytes.slice(base + from, base + to); // a copy, so the data is aligned
    if (h.dtype === "F32") {
      tensors[name] = { dtype: "F32", shape: h.shape, data: new Float32Array(raw.buffer) };
    } else if (h.dtype === "I32") {
      tensors[name] = { dtype: "I32", shape: h.shape, data: new Int32Array(raw.buffer) };
    } else {throw new Error(
        `${source}: tensor "${name}" has dtype ${h.dtype}; only F32 and I32 are supported`,
      );}
  }
  return { tensors, metadata };
}

/** Saves a tensor file atomically. */
export async function saveTensorFile(path: string, file: TensorFile): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(file));
}

/** Loads a tensor file, with the path in every error. */
export async function loadTensorFile(path: string): Promise<TensorFile> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
  return decodeSafetensors(bytes, path);
}
