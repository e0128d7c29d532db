/**
 * Reading safetensors written by PyTorch, whose dtypes the kit's own
 * checkpoint reader (F32/I32 only) does not take: official TRM checkpoints
 * keep H_init and L_init in bf16, and users may save in fp16 or fp64.
 * Floats are widened (bf16, fp16: exactly) or rounded (fp64) to fp32.
 *
 * @module
 */
import { readSafetensorsHeader, type StoredTensor, type TensorFile } from "../util/safetensors.ts";

const ITEM_BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** IEEE half to float, exact (every half is a float). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function convert(
  dtype: string,
  raw: Uint8Array,
  count: number,
  where: string,
): Float32Array | Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case "F32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case "BF16": {
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case "F16":
      return Float32Array.from(
        { length: count },
        (_, i) => halfToFloat(view.getUint16(2 * i, true)),
      );
    case "F64":
      return Float32Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
    case "I64": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(8 * i, true);
        if (v > 2147483647n || v < -2147483648n) {
          throw new Error(`${where}: int64 value ${v} does not fit int32`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case "I32":
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
    case "I16":
      return Int32Array.from({ length: count }, (_, i) => view.getInt16(2 * i, true));
    case "I8":
      return Int32Array.from({ length: count }, (_, i) => view.getInt8(i));
    default: // U8, BOOL
      return Int32Array.from(raw.subarray(0, count));
  }
}

/**
 * Parses safetensors bytes of any common dtype into F32 (floats) and I32
 * (integers) tensors. `converted` lists the tensors that were not already
 * F32/I32, as "name: BF16". Errors name `source` and the tensor.
 */
export function decodeAnySafetensors(
  bytes: Uint8Array,
  source: string,
): { file: TensorFile; converted: string[] } {
  const { entries, metadata, base } = readSafetensorsHeader(bytes, source);
  const tensors: Record<string, StoredTensor> = {};
  const converted: string[] = [];
  for (const [name, h] of entries) {
    const where = `${source}: tensor "${name}"`;
    const item = ITEM_BYTES[h.dtype];
    if (!item) throw new Error(`${where} has dtype ${h.dtype}, which the converter cannot read`);
    const count = h.shape.reduce((a, b) => a * b, 1);
    const [from, to] = h.data_offsets;
    if (to - from !== count * item) {
      throw new Error(`${where}: ${to - from} bytes for shape [${h.shape}] of ${h.dtype}`);
    }
    if (base + to > bytes.length) {
      throw new Error(`${where} runs past the end of the file (truncated?)`);
    }
    const data = convert(h.dtype, bytes.subarray(base + from, base + to), count, where);
    tensors[name] = { dtype: data instanceof Float32Array ? "F32" : "I32", shape: h.shape, data };
    if (h.dtype !== "F32" && h.dtype !== "I32") converted.push(`${name}: ${h.dtype}`);
  }
  return { file: { tensors, metadata }, converted };
}
