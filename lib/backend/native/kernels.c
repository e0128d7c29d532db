/*
 * Fused elementwise kernels of the network, called through Deno's FFI on the
 * wasm backend's heap (lib/backend/native.ts compiles this file with the
 * machine's C compiler). Each replaces a chain of tfjs kernels that each read
 * and write the whole tensor: SwiGLU's silu(gate)*up was 3 kernels forward and
 * 6 backward, about 23% of a training step at the study shape.
 *
 * Written so that gcc and clang vectorize every loop (-O3 -fno-math-errno
 * -fno-trapping-math): no calls into libm, a branch-free exp.
 */
#include <stddef.h>
#include <stdint.h>

typedef union {
  float f;
  int32_t i;
} bits32;

/*
 * exp(x) in fp32: x = k ln2 + r with |r| <= ln2/2, exp(r) by the Cephes
 * polynomial, 2^k built in the exponent bits. Within 2 ulp of expf over
 * [-87, 88]; inputs outside are clamped (sigmoid only needs 0 or 1 there).
 */
static inline float trm_exp(float x) {
  x = x > 88.0f ? 88.0f : x;
  x = x < -87.0f ? -87.0f : x;
  float k = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - k * 0.693359375f + k * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  bits32 scale;
  scale.i = ((int32_t)k + 127) << 23;
  return (p * r * r + r + 1.0f) * scale.f;
}

/* sum of a[j] * b[j] over j < d, in 8 lanes so that it vectorizes without reassociating by flag. */
static inline float trm_dot(const float* restrict a, const float* restrict b, int64_t d) {
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= d; j += 8) {
    for (int l = 0; l < 8; l++) lanes[l] += a[j + l] * b[j + l];
  }
  float sum = 0;
  for (; j < d; j++) sum += a[j] * b[j];
  for (int l = 0; l < 8; l++) sum += lanes[l];
  return sum;
}

/* out = silu(gate) * up = gate * sigmoid(gate) * up. */
void trm_silu_gate(const float* restrict gate, const float* restrict up, float* restrict out,
                   int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float s = 1.0f / (1.0f + trm_exp(-gate[i]));
    out[i] = gate[i] * s * up[i];
  }
}

/*
 * Its gradient, with s = sigmoid(gate) and a = gate * s (recomputed, not
 * saved: one pass over gate is cheaper than keeping two more tensors):
 * d_up = dy * a, d_gate = dy * up * (s + a * (1 - s)).
 */
void trm_silu_gate_grad(const float* restrict dy, const float* restrict gate,
                        const float* restrict up, float* restrict d_gate, float* restrict d_up,
                        int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float s = 1.0f / (1.0f + trm_exp(-gate[i]));
    float a = gate[i] * s;
    d_up[i] = dy[i] * a;
    d_gate[i] = dy[i] * up[i] * (s + a * (1.0f - s));
  }
}

/*
 * RMSNorm over rows of d values: r = 1 / sqrt(mean(x^2) + eps), y = x * r
 * (one value of r per row, kept for the gradient).
 */
void trm_rms_norm(const float* restrict x, float* restrict y, float* restrict r, int64_t rows,
                  int64_t d, float eps) {
  for (int64_t row = 0; row < rows; row++) {
    const float* xr = x + row * d;
    float inv = 1.0f / __builtin_sqrtf(trm_dot(xr, xr, d) / (float)d + eps);
    r[row] = inv;
    float* yr = y + row * d;
    for (int64_t j = 0; j < d; j++) yr[j] = xr[j] * inv;
  }
}

/*
 * RMSNorm of a + b (the block's residual sum, never materialised on its own):
 * y = s * r with s = a + b, r as above.
 */
void trm_add_rms_norm(const float* restrict a, const float* restrict b, float* restrict y,
                      float* restrict r, int64_t rows, int64_t d, float eps) {
  for (int64_t row = 0; row < rows; row++) {
    const float* ar = a + row * d;
    const float* br = b + row * d;
    float* yr = y + row * d;
    for (int64_t j = 0; j < d; j++) yr[j] = ar[j] + br[j];
    float inv = 1.0f / __builtin_sqrtf(trm_dot(yr, yr, d) / (float)d + eps);
    r[row] = inv;
    for (int64_t j = 0; j < d; j++) yr[j] *= inv;
  }
}

/* Its gradient from y and r: dx = r * (dy - y * mean(dy * y)) over each row. */
void trm_rms_norm_grad(const float* restrict dy, const float* restrict y, const float* restrict r,
                       float* restrict dx, int64_t rows, int64_t d) {
  for (int64_t row = 0; row < rows; row++) {
    const float* dyr = dy + row * d;
    const float* yr = y + row * d;
    float mean = trm_dot(dyr, yr, d) / (float)d, inv = r[row];
    float* dxr = dx + row * d;
    for (int64_t j = 0; j < d; j++) dxr[j] = inv * (dyr[j] - yr[j] * mean);
  }
}

/*
 * Softmax over rows of d values of scale * x (attention's scaled scores):
 * y = exp(s - max s) / sum exp(s - max s), s = scale * x.
 */
void trm_softmax(const float* restrict x, float* restrict y, int64_t rows, int64_t d,
                 float scale) {
  for (int64_t row = 0; row < rows; row++) {
    const float* xr = x + row * d;
    float* yr = y + row * d;
    float top = xr[0];
    int64_t j = 0;
    if (d >= 8) {
      float tops[8];
      for (int l = 0; l < 8; l++) tops[l] = xr[l];
      for (j = 8; j + 8 <= d; j += 8) {
        for (int l = 0; l < 8; l++) tops[l] = xr[j + l] > tops[l] ? xr[j + l] : tops[l];
      }
      for (int l = 0; l < 8; l++) top = tops[l] > top ? tops[l] : top;
    }
    for (; j < d; j++) top = xr[j] > top ? xr[j] : top;
    float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    j = 0;
    for (; j + 8 <= d; j += 8) {
      for (int l = 0; l < 8; l++) {
        float e = trm_exp(scale * (xr[j + l] - top));
        yr[j + l] = e;
        lanes[l] += e;
      }
    }
    float sum = 0;
    for (; j < d; j++) {
      float e = trm_exp(scale * (xr[j] - top));
      yr[j] = e;
      sum += e;
    }
    for (int l = 0; l < 8; l++) sum += lanes[l];
    float inv = 1.0f / sum;
    for (j = 0; j < d; j++) yr[j] *= inv;
  }
}

/* Its gradient with respect to x: dx = scale * y * (dy - sum(dy * y)) over each row. */
void trm_softmax_grad(const float* restrict dy, const float* restrict y, float* restrict dx,
                      int64_t rows, int64_t d, float scale) {
  for (int64_t row = 0; row < rows; row++) {
    const float* dyr = dy + row * d;
    const float* yr = y + row * d;
    float sum = trm_dot(dyr, yr, d);
    float* dxr = dx + row * d;
    for (int64_t j = 0; j < d; j++) dxr[j] = scale * yr[j] * (dyr[j] - sum);
  }
}

/*
 * y[b, j, i] = x[b, i, j] for `batch` matrices of [rows, cols]: the swap of
 * the last two axes that matMul gradients and the sequence mixer make. In
 * 16 x 16 tiles, so that both sides stay in cache whatever the strides.
 */
void trm_transpose(const float* restrict x, float* restrict y, int64_t batch, int64_t rows,
                   int64_t cols) {
  const int64_t tile = 16;
  for (int64_t b = 0; b < batch; b++) {
    const float* xb = x + b * rows * cols;
    float* yb = y + b * rows * cols;
    for (int64_t i0 = 0; i0 < rows; i0 += tile) {
      int64_t i1 = i0 + tile < rows ? i0 + tile : rows;
      for (int64_t j0 = 0; j0 < cols; j0 += tile) {
        int64_t j1 = j0 + tile < cols ? j0 + tile : cols;
        for (int64_t j = j0; j < j1; j++) {
          for (int64_t i = i0; i < i1; i++) yb[j * rows + i] = xb[i * cols + j];
        }
      }
    }
  }
}

/*
 * Rotary embedding on rows of hd values, row i at position i % len (x is
 * [B, H, L, hd]; cos and sin are [L, hd]): y = x * cos + rotate_half(x) * sin
 * with rotate_half(x) = [-x2, x1], x1 and x2 the two halves of the row.
 */
void trm_rope(const float* restrict x, const float* restrict cos, const float* restrict sin,
              float* restrict y, int64_t rows, int64_t len, int64_t hd) {
  const int64_t half = hd / 2;
  for (int64_t row = 0; row < rows; row++) {
    const float* xr = x + row * hd;
    const float* c = cos + (row % len) * hd;
    const float* s = sin + (row % len) * hd;
    float* yr = y + row * hd;
    for (int64_t j = 0; j < half; j++) yr[j] = xr[j] * c[j] - xr[j + half] * s[j];
    for (int64_t j = half; j < hd; j++) yr[j] = xr[j] * c[j] + xr[j - half] * s[j];
  }
}

/*
 * Its gradient, the transposed map: dx = dy * cos + rotate_half^T(dy * sin),
 * rotate_half^T(u) = [u2, -u1].
 */
void trm_rope_grad(const float* restrict dy, const float* restrict cos,
                   const float* restrict sin, float* restrict dx, int64_t rows, int64_t len,
                   int64_t hd) {
  const int64_t half = hd / 2;
  for (int64_t row = 0; row < rows; row++) {
    const float* dr = dy + row * hd;
    const float* c = cos + (row % len) * hd;
    const float* s = sin + (row % len) * hd;
    float* xr = dx + row * hd;
    for (int64_t j = 0; j < half; j++) xr[j] = dr[j] * c[j] + dr[j + half] * s[j + half];
    for (int64_t j = half; j < hd; j++) xr[j] = dr[j] * c[j] - dr[j - half] * s[j - half];
  }
}

/*
 * `blocks` runs of `count` floats from src to dst, each side advancing by its
 * own stride: one piece of a split or a concat along any axis (the blocks are
 * the axes before it, a run is the piece's extent along it and after).
 */
void trm_copy_blocks(const float* restrict src, float* restrict dst, int64_t blocks,
                     int64_t count, int64_t src_stride, int64_t dst_stride) {
  for (int64_t i = 0; i < blocks; i++) {
    __builtin_memcpy(dst + i * dst_stride, src + i * src_stride, (size_t)count * sizeof(float));
  }
}

/*
 * atan(a) for a >= 0 (Cephes atanf: reduced to |a| <= tan(pi/8), then a
 * polynomial; within 2 ulp), written with selects so that it vectorizes.
 */
static inline float trm_atan(float a) {
  int big = a > 2.414213562373095f, mid = a > 0.4142135623730950f;
  float base = big ? 1.5707963267948966f : mid ? 0.7853981633974483f : 0.0f;
  float t = big ? -1.0f / a : mid ? (a - 1.0f) / (a + 1.0f) : a;
  float z = t * t;
  float p = ((8.05374449538e-2f * z - 1.38776856032e-1f) * z + 1.99777106478e-1f) * z -
            3.33329491539e-1f;
  return base + (p * z * t + t);
}

/*
 * One Adam step on n values, decoupled weight decay first as torch does:
 * m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, m^ = m / c1, v^ = v / c2,
 * p = p (1 - lr wd) - lr step with step = atan2(m^, sqrt(v^)) (AdamATan2,
 * `use_atan2` non-zero) or m^ / (sqrt(v^) + eps) (AdamW). atan2's second
 * argument is never negative here, so it is atan(|m^| / sqrt(v^)) with m^'s
 * sign, and 0 where both are 0 (torch's atan2(0, 0)).
 */
void trm_adam(const float* restrict p, const float* restrict g, const float* restrict m,
              const float* restrict v, float* restrict p_out, float* restrict m_out,
              float* restrict v_out, int64_t n, float b1, float b2, float c1, float c2, float lr,
              float wd, float eps, int32_t use_atan2) {
  const float keep = 1.0f - lr * wd;
  // Two loops, not a test inside one: gcc vectorizes neither with the test inside.
  if (use_atan2) {
    for (int64_t i = 0; i < n; i++) {
      float mi = m[i] * b1 + g[i] * (1.0f - b1);
      float vi = v[i] * b2 + g[i] * g[i] * (1.0f - b2);
      float m_hat = mi / c1, root = __builtin_sqrtf(vi / c2);
      float mag = m_hat < 0 ? -m_hat : m_hat;
      float angle = mag == 0.0f ? 0.0f : trm_atan(mag / root);
      m_out[i] = mi;
      v_out[i] = vi;
      p_out[i] = p[i] * keep - (m_hat < 0 ? -angle : angle) * lr;
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      float mi = m[i] * b1 + g[i] * (1.0f - b1);
      float vi = v[i] * b2 + g[i] * g[i] * (1.0f - b2);
      float m_hat = mi / c1, root = __builtin_sqrtf(vi / c2);
      m_out[i] = mi;
      v_out[i] = vi;
      p_out[i] = p[i] * keep - m_hat / (root + eps) * lr;
    }
  }
}
