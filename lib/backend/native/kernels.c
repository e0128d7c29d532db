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
