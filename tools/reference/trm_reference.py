"""A small PyTorch re-statement of the official TRM forward pass, loss and optimisers.

Written from /work/shared/docs/trm-reference.md (a paraphrase of
SamsungSAILMontreal/TinyRecursiveModels at e7b6871: models/recursive_reasoning/trm.py,
models/layers.py, models/common.py, models/sparse_embedding.py, models/losses.py,
models/ema.py and the adam_atan2 reference update); the multi-scale-z model restates
models/recursive_reasoning/trm_hier6.py as read at that commit. Module and attribute names follow the
official code, so `ACTLossHead(...).state_dict()` has the official parameter names, e.g.
`model.inner.L_level.layers.0.mlp.gate_up_proj.weight`.

Test tooling only: it runs on Debian's python3-torch (1.13, CPU) and is used to write the
kit's golden files (make_golden.py) and to run exported kit checkpoints (predict.py).

Deliberate differences from the official code, none of which changes the mathematics:
- every activation runs in one `dtype` (float64 for the goldens) instead of bf16 with fp32
  RMSNorm and float64 stablemax;
- attention is written out (softmax(q k^T / sqrt(d)) v) because torch 1.13 has no public
  scaled_dot_product_attention;
- buffers are registered with register_buffer (nn.Buffer needs torch >= 2.5);
- trm_hier6.py's classes carry trm.py's class names there; here they are named
  `...Hier6...` (inner carry, inner model, ACT wrapper) to share one file;
- TRM's model implements only `no_ACT_continue=True` (its official `no_ACT_continue=False`
  branch does not run as written, reference doc section 2); HRM's Q-learning ACT is
  re-stated in `HierarchicalReasoningModel_ACTV1` (models/hrm/hrm_act_v1.py).
"""
import math
from dataclasses import dataclass, field
from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from torch import nn

IGNORE_LABEL_ID = -100


# ---------------------------------------------------------------- models/common.py
def trunc_normal_init_(tensor, std=1.0, lower=-2.0, upper=2.0):
    """JAX-style truncated normal: the *actual* std of the result is `std`."""
    with torch.no_grad():
        if std == 0:
            tensor.zero_()
        else:
            sqrt2 = math.sqrt(2)
            a = math.erf(lower / sqrt2)
            b = math.erf(upper / sqrt2)
            z = (b - a) / 2
            c = (2 * math.pi) ** -0.5
            pdf_u = c * math.exp(-0.5 * lower**2)
            pdf_l = c * math.exp(-0.5 * upper**2)
            comp_std = std / math.sqrt(1 - (upper * pdf_u - lower * pdf_l) / z - ((pdf_u - pdf_l) / z) ** 2)
            tensor.uniform_(a, b)
            tensor.erfinv_()
            tensor.mul_(sqrt2 * comp_std)
            tensor.clip_(lower * comp_std, upper * comp_std)
    return tensor


# ---------------------------------------------------------------- models/layers.py
def _find_multiple(a, b):
    return (-(a // -b)) * b


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    # q, k: [B, S, H, hd]; cos, sin: [S, hd]
    q_embed = (q * cos.unsqueeze(-2)) + (rotate_half(q) * sin.unsqueeze(-2))
    k_embed = (k * cos.unsqueeze(-2)) + (rotate_half(k) * sin.unsqueeze(-2))
    return q_embed, k_embed


def rms_norm(hidden_states, variance_epsilon):
    # Official: computed in float32 and cast back; here in the activation dtype (>= float32).
    variance = hidden_states.square().mean(-1, keepdim=True)
    return hidden_states * torch.rsqrt(variance + variance_epsilon)


class CastedLinear(nn.Module):
    def __init__(self, in_features, out_features, bias):
        super().__init__()
        self.weight = nn.Parameter(
            trunc_normal_init_(torch.empty((out_features, in_features)), std=1.0 / (in_features**0.5))
        )
        self.bias = None
        if bias:
            self.bias = nn.Parameter(torch.zeros((out_features,)))

    def forward(self, x):
        bias = self.bias.to(x.dtype) if self.bias is not None else None
        return F.linear(x, self.weight.to(x.dtype), bias=bias)


class CastedEmbedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, init_std):
        super().__init__()
        self.embedding_weight = nn.Parameter(
            trunc_normal_init_(torch.empty((num_embeddings, embedding_dim)), std=init_std)
        )

    def forward(self, ids):
        return F.embedding(ids.long(), self.embedding_weight)


class RotaryEmbedding(nn.Module):
    def __init__(self, dim, max_position_embeddings, base):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
        t = torch.arange(max_position_embeddings, dtype=torch.float64)
        freqs = torch.outer(t, inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)  # rotate_half layout: frequencies twice
        self.register_buffer("cos_cached", emb.cos(), persistent=False)
        self.register_buffer("sin_cached", emb.sin(), persistent=False)

    def forward(self):
        return self.cos_cached, self.sin_cached


class Attention(nn.Module):
    def __init__(self, hidden_size, head_dim, num_heads, num_key_value_heads, causal=False):
        super().__init__()
        self.hidden_size = hidden_size
        self.head_dim = head_dim
        self.output_size = head_dim * num_heads
        self.num_heads = num_heads
        self.num_key_value_heads = num_key_value_heads
        self.causal = causal
        self.qkv_proj = CastedLinear(hidden_size, (num_heads + 2 * num_key_value_heads) * head_dim, bias=False)
        self.o_proj = CastedLinear(self.output_size, hidden_size, bias=False)

    def forward(self, cos_sin, hidden_states):
        batch_size, seq_len, _ = hidden_states.shape
        qkv = self.qkv_proj(hidden_states)
        qkv = qkv.view(batch_size, seq_len, self.num_heads + 2 * self.num_key_value_heads, self.head_dim)
        query = qkv[:, :, : self.num_heads]
        key = qkv[:, :, self.num_heads : self.num_heads + self.num_key_value_heads]
        value = qkv[:, :, self.num_heads + self.num_key_value_heads :]
        if cos_sin is not None:
            cos, sin = cos_sin
            query, key = apply_rotary_pos_emb(query, key, cos.to(query.dtype), sin.to(query.dtype))
        query, key, value = (t.permute(0, 2, 1, 3) for t in (query, key, value))  # B H S D
        scores = query @ key.transpose(-1, -2) / math.sqrt(self.head_dim)
        if self.causal:
            raise NotImplementedError("TRM's attention is non-causal")
        attn_output = torch.softmax(scores, dim=-1) @ value
        attn_output = attn_output.permute(0, 2, 1, 3).reshape(batch_size, seq_len, self.output_size)
        return self.o_proj(attn_output)


class SwiGLU(nn.Module):
    def __init__(self, hidden_size, expansion):
        super().__init__()
        inter = _find_multiple(round(expansion * hidden_size * 2 / 3), 256)
        self.gate_up_proj = CastedLinear(hidden_size, inter * 2, bias=False)
        self.down_proj = CastedLinear(inter, hidden_size, bias=False)

    def forward(self, x):
        gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        return self.down_proj(F.silu(gate) * up)


# ---------------------------------------------------------------- models/sparse_embedding.py
class CastedSparseEmbedding(nn.Module):
    """Puzzle-embedding table: a buffer (not an nn.Parameter), trained by sign-SGD on local rows."""

    def __init__(self, num_embeddings, embedding_dim, batch_size, init_std):
        super().__init__()
        self.register_buffer(
            "weights", trunc_normal_init_(torch.empty((num_embeddings, embedding_dim)), std=init_std), persistent=True
        )
        self.register_buffer("local_weights", torch.zeros(batch_size, embedding_dim), persistent=False)
        self.register_buffer("local_ids", torch.zeros(batch_size, dtype=torch.int32), persistent=False)

    def forward(self, inputs):
        if not self.training:
            # Test mode, no gradient to the local rows (make_golden.py sets requires_grad on
            # `weights` itself to get the table's gradient, the sum of the local rows' gradients).
            return self.weights[inputs.long()]
        with torch.no_grad():
            self.local_weights = self.weights[inputs.long()].clone().requires_grad_(True)
            self.local_ids = inputs.clone()
        return self.local_weights


# ---------------------------------------------------------------- models/recursive_reasoning/trm.py
@dataclass
class TinyRecursiveReasoningModel_ACTV1Config:
    batch_size: int
    seq_len: int
    num_puzzle_identifiers: int
    vocab_size: int
    H_cycles: int
    L_cycles: int
    H_layers: int
    L_layers: int
    hidden_size: int
    expansion: float
    num_heads: int
    pos_encodings: str
    halt_max_steps: int
    halt_exploration_prob: float
    puzzle_emb_ndim: int = 0
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    forward_dtype: str = "float64"
    mlp_t: bool = False
    puzzle_emb_len: int = 16
    no_ACT_continue: bool = True


@dataclass
class TinyRecursiveReasoningModel_ACTV1InnerCarry:
    z_H: torch.Tensor
    z_L: torch.Tensor


@dataclass
class TinyRecursiveReasoningModel_ACTV1Carry:
    inner_carry: TinyRecursiveReasoningModel_ACTV1InnerCarry
    steps: torch.Tensor
    halted: torch.Tensor
    current_data: Dict[str, torch.Tensor] = field(default_factory=dict)


class TinyRecursiveReasoningModel_ACTV1Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        if self.config.mlp_t:
            self.puzzle_emb_len = (
                -(self.config.puzzle_emb_ndim // -self.config.hidden_size)
                if self.config.puzzle_emb_len == 0
                else self.config.puzzle_emb_len
            )
            self.mlp_t = SwiGLU(hidden_size=self.config.seq_len + self.puzzle_emb_len, expansion=config.expansion)
        else:
            self.self_attn = Attention(
                hidden_size=config.hidden_size,
                head_dim=config.hidden_size // config.num_heads,
                num_heads=config.num_heads,
                num_key_value_heads=config.num_heads,
                causal=False,
            )
        self.mlp = SwiGLU(hidden_size=config.hidden_size, expansion=config.expansion)
        self.norm_eps = config.rms_norm_eps

    def forward(self, cos_sin, hidden_states):
        # Post-norm.
        if self.config.mlp_t:
            hidden_states = hidden_states.transpose(1, 2)
            out = self.mlp_t(hidden_states)
            # The quirk: this RMSNorm runs over the sequence axis (still transposed).
            hidden_states = rms_norm(hidden_states + out, variance_epsilon=self.norm_eps)
            hidden_states = hidden_states.transpose(1, 2)
        else:
            hidden_states = rms_norm(
                hidden_states + self.self_attn(cos_sin=cos_sin, hidden_states=hidden_states),
                variance_epsilon=self.norm_eps,
            )
        out = self.mlp(hidden_states)
        return rms_norm(hidden_states + out, variance_epsilon=self.norm_eps)


class TinyRecursiveReasoningModel_ACTV1ReasoningModule(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def forward(self, hidden_states, input_injection, **kwargs):
        hidden_states = hidden_states + input_injection
        for layer in self.layers:
            hidden_states = layer(hidden_states=hidden_states, **kwargs)
        return hidden_states


class TinyRecursiveReasoningModel_ACTV1_Inner(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.forward_dtype = getattr(torch, self.config.forward_dtype)
        self.embed_scale = math.sqrt(self.config.hidden_size)
        embed_init_std = 1.0 / self.embed_scale

        self.embed_tokens = CastedEmbedding(self.config.vocab_size, self.config.hidden_size, init_std=embed_init_std)
        self.lm_head = CastedLinear(self.config.hidden_size, self.config.vocab_size, bias=False)
        self.q_head = CastedLinear(self.config.hidden_size, 2, bias=True)

        self.puzzle_emb_len = (
            -(self.config.puzzle_emb_ndim // -self.config.hidden_size)
            if self.config.puzzle_emb_len == 0
            else self.config.puzzle_emb_len
        )
        if self.config.puzzle_emb_ndim > 0:
            self.puzzle_emb = CastedSparseEmbedding(
                self.config.num_puzzle_identifiers,
                self.config.puzzle_emb_ndim,
                batch_size=self.config.batch_size,
                init_std=0,
            )

        if self.config.pos_encodings == "rope":
            self.rotary_emb = RotaryEmbedding(
                dim=self.config.hidden_size // self.config.num_heads,
                max_position_embeddings=self.config.seq_len + self.puzzle_emb_len,
                base=self.config.rope_theta,
            )
        elif self.config.pos_encodings == "learned":
            self.embed_pos = CastedEmbedding(
                self.config.seq_len + self.puzzle_emb_len, self.config.hidden_size, init_std=embed_init_std
            )

        self.L_level = TinyRecursiveReasoningModel_ACTV1ReasoningModule(
            layers=[TinyRecursiveReasoningModel_ACTV1Block(self.config) for _ in range(self.config.L_layers)]
        )

        self._register_initial_states()

        with torch.no_grad():
            self.q_head.weight.zero_()
            self.q_head.bias.fill_(-5)

    def _register_initial_states(self):
        # Fixed random initial states: buffers, never trained.
        self.register_buffer("H_init", trunc_normal_init_(torch.empty(self.config.hidden_size), std=1), persistent=True)
        self.register_buffer("L_init", trunc_normal_init_(torch.empty(self.config.hidden_size), std=1), persistent=True)

    def _input_embeddings(self, inputs, puzzle_identifiers):
        embedding = self.embed_tokens(inputs.to(torch.int32))
        if self.config.puzzle_emb_ndim > 0:
            puzzle_embedding = self.puzzle_emb(puzzle_identifiers)
            pad_count = self.puzzle_emb_len * self.config.hidden_size - puzzle_embedding.shape[-1]
            if pad_count > 0:
                puzzle_embedding = F.pad(puzzle_embedding, (0, pad_count))
            embedding = torch.cat(
                (puzzle_embedding.view(-1, self.puzzle_emb_len, self.config.hidden_size), embedding), dim=-2
            )
        if self.config.pos_encodings == "learned":
            embedding = 0.707106781 * (embedding + self.embed_pos.embedding_weight)
        return self.embed_scale * embedding

    def empty_carry(self, batch_size):
        shape = (batch_size, self.config.seq_len + self.puzzle_emb_len, self.config.hidden_size)
        return TinyRecursiveReasoningModel_ACTV1InnerCarry(
            z_H=torch.empty(shape, dtype=self.forward_dtype), z_L=torch.empty(shape, dtype=self.forward_dtype)
        )

    def reset_carry(self, reset_flag, carry):
        return TinyRecursiveReasoningModel_ACTV1InnerCarry(
            z_H=torch.where(reset_flag.view(-1, 1, 1), self.H_init, carry.z_H),
            z_L=torch.where(reset_flag.view(-1, 1, 1), self.L_init, carry.z_L),
        )

    def forward(self, carry, batch) -> Tuple[TinyRecursiveReasoningModel_ACTV1InnerCarry, torch.Tensor, tuple]:
        seq_info = dict(cos_sin=self.rotary_emb() if hasattr(self, "rotary_emb") else None)
        input_embeddings = self._input_embeddings(batch["inputs"], batch["puzzle_identifiers"])

        z_H, z_L = carry.z_H, carry.z_L
        # H_cycles-1 without grad
        with torch.no_grad():
            for _H_step in range(self.config.H_cycles - 1):
                for _L_step in range(self.config.L_cycles):
                    z_L = self.L_level(z_L, z_H + input_embeddings, **seq_info)
                z_H = self.L_level(z_H, z_L, **seq_info)
        # 1 with grad
        for _L_step in range(self.config.L_cycles):
            z_L = self.L_level(z_L, z_H + input_embeddings, **seq_info)
        z_H = self.L_level(z_H, z_L, **seq_info)

        new_carry = TinyRecursiveReasoningModel_ACTV1InnerCarry(z_H=z_H.detach(), z_L=z_L.detach())
        output = self.lm_head(z_H)[:, self.puzzle_emb_len :]
        q_logits = self.q_head(z_H[:, 0])
        return new_carry, output, (q_logits[..., 0], q_logits[..., 1])


class TinyRecursiveReasoningModel_ACTV1(nn.Module):
    """ACT wrapper: one call is one supervision step."""

    def __init__(self, config_dict):
        super().__init__()
        self.config = TinyRecursiveReasoningModel_ACTV1Config(**config_dict)
        if not self.config.no_ACT_continue:
            raise NotImplementedError("only TRM's halting (no_ACT_continue=True) is re-stated")
        self.inner = TinyRecursiveReasoningModel_ACTV1_Inner(self.config)

    @property
    def puzzle_emb(self):
        return self.inner.puzzle_emb

    def initial_carry(self, batch):
        batch_size = batch["inputs"].shape[0]
        return TinyRecursiveReasoningModel_ACTV1Carry(
            inner_carry=self.inner.empty_carry(batch_size),
            steps=torch.zeros((batch_size,), dtype=torch.int32),
            halted=torch.ones((batch_size,), dtype=torch.bool),  # everything halted: all rows load
            current_data={k: torch.empty_like(v) for k, v in batch.items()},
        )

    def forward(self, carry, batch):
        new_inner_carry = self.inner.reset_carry(carry.halted, carry.inner_carry)
        new_steps = torch.where(carry.halted, 0, carry.steps)
        new_current_data = {
            k: torch.where(carry.halted.view((-1,) + (1,) * (batch[k].ndim - 1)), batch[k], v)
            for k, v in carry.current_data.items()
        }
        new_inner_carry, logits, (q_halt_logits, q_continue_logits) = self.inner(new_inner_carry, new_current_data)
        outputs = {"logits": logits, "q_halt_logits": q_halt_logits, "q_continue_logits": q_continue_logits}

        with torch.no_grad():
            new_steps = new_steps + 1
            is_last_step = new_steps >= self.config.halt_max_steps
            halted = is_last_step
            if self.training and (self.config.halt_max_steps > 1):
                halted = halted | (q_halt_logits > 0)
                min_halt_steps = (torch.rand_like(q_halt_logits) < self.config.halt_exploration_prob) * torch.randint_like(
                    new_steps, low=2, high=self.config.halt_max_steps + 1
                )
                halted = halted & (new_steps >= min_halt_steps)

        return TinyRecursiveReasoningModel_ACTV1Carry(new_inner_carry, new_steps, halted, new_current_data), outputs


# ---------------------------------------------------------------- models/recursive_reasoning/trm_hier6.py
HIER6_LATENTS = 6  # trm_hier6.py hard-codes six latents z_L1..z_L6, whatever L_cycles is


@dataclass
class TinyRecursiveReasoningModel_ACTV1Hier6InnerCarry:
    """trm_hier6.py's inner carry (named TinyRecursiveReasoningModel_ACTV1InnerCarry there)."""

    z_H: torch.Tensor
    z_L1: torch.Tensor
    z_L2: torch.Tensor
    z_L3: torch.Tensor
    z_L4: torch.Tensor
    z_L5: torch.Tensor
    z_L6: torch.Tensor

    def latents(self):
        return [getattr(self, f"z_L{i}") for i in range(1, HIER6_LATENTS + 1)]


def _sum_latents(z_L):
    # trm_hier6.py: z_L[0] + z_L[1] + z_L[2] + z_L[3] + z_L[4] + z_L[5], left to right.
    total = z_L[0]
    for z in z_L[1:]:
        total = total + z
    return total


class TinyRecursiveReasoningModel_ACTV1Hier6_Inner(TinyRecursiveReasoningModel_ACTV1_Inner):
    """"Multi-scale z" (paper Table 2; trm_hier6.py): TRM's modules, with six latents
    z_L1..z_L6, each starting from its own fixed buffer L<i>_init (there is no L_init).
    Latent step l feeds the sum of all six latents as z and writes the result into slot l:

        z_L[l] = net(z_L1 + ... + z_L6 + z_H + x)      for l = 0 .. L_cycles-1
        z_H    = net(z_H + z_L1 + ... + z_L6)

    (a slot past L_cycles is never rewritten but is still summed; L_cycles > 6 fails there
    as in the official code). T-1 cycles without gradient, the last with; heads read z_H."""

    def _register_initial_states(self):
        # Official draw order: H_init, then L1_init .. L6_init.
        self.register_buffer("H_init", trunc_normal_init_(torch.empty(self.config.hidden_size), std=1), persistent=True)
        for i in range(1, HIER6_LATENTS + 1):
            self.register_buffer(
                f"L{i}_init", trunc_normal_init_(torch.empty(self.config.hidden_size), std=1), persistent=True
            )

    def empty_carry(self, batch_size):
        shape = (batch_size, self.config.seq_len + self.puzzle_emb_len, self.config.hidden_size)
        return TinyRecursiveReasoningModel_ACTV1Hier6InnerCarry(
            **{k: torch.empty(shape, dtype=self.forward_dtype) for k in ["z_H"] + [f"z_L{i}" for i in range(1, 7)]}
        )

    def reset_carry(self, reset_flag, carry):
        flag = reset_flag.view(-1, 1, 1)
        return TinyRecursiveReasoningModel_ACTV1Hier6InnerCarry(
            z_H=torch.where(flag, self.H_init, carry.z_H),
            **{f"z_L{i}": torch.where(flag, getattr(self, f"L{i}_init"), getattr(carry, f"z_L{i}")) for i in range(1, 7)},
        )

    def forward(self, carry, batch):
        seq_info = dict(cos_sin=self.rotary_emb() if hasattr(self, "rotary_emb") else None)
        input_embeddings = self._input_embeddings(batch["inputs"], batch["puzzle_identifiers"])

        z_H, z_L = carry.z_H, carry.latents()
        # H_cycles-1 without grad
        with torch.no_grad():
            for _H_step in range(self.config.H_cycles - 1):
                for _L_step in range(self.config.L_cycles):
                    z_L[_L_step] = self.L_level(_sum_latents(z_L), z_H + input_embeddings, **seq_info)
                z_H = self.L_level(z_H, _sum_latents(z_L), **seq_info)
        # 1 with grad
        for _L_step in range(self.config.L_cycles):
            z_L[_L_step] = self.L_level(_sum_latents(z_L), z_H + input_embeddings, **seq_info)
        z_H = self.L_level(z_H, _sum_latents(z_L), **seq_info)

        new_carry = TinyRecursiveReasoningModel_ACTV1Hier6InnerCarry(
            z_H=z_H.detach(), **{f"z_L{i + 1}": z.detach() for i, z in enumerate(z_L)}
        )
        output = self.lm_head(z_H)[:, self.puzzle_emb_len :]
        q_logits = self.q_head(z_H[:, 0])
        return new_carry, output, (q_logits[..., 0], q_logits[..., 1])


class TinyRecursiveReasoningModel_ACTV1Hier6(TinyRecursiveReasoningModel_ACTV1):
    """trm_hier6.py's ACT wrapper: the same as trm.py's (TRM halting, no_ACT_continue=True)."""

    def __init__(self, config_dict):
        nn.Module.__init__(self)
        self.config = TinyRecursiveReasoningModel_ACTV1Config(**config_dict)
        if not self.config.no_ACT_continue:
            raise NotImplementedError("only TRM's halting (no_ACT_continue=True) is re-stated")
        self.inner = TinyRecursiveReasoningModel_ACTV1Hier6_Inner(self.config)


# ---------------------------------------------------------------- models/hrm/hrm_act_v1.py
class HierarchicalReasoningModel_ACTV1_Inner(TinyRecursiveReasoningModel_ACTV1_Inner):
    """HRM (sapientinc/HRM hrm_act_v1.py; TRM repo hrm.py adds mlp_t): two modules, f_L (L_level,
    L_cycles updates per cycle) and f_H (H_level, once per cycle), and the 1-step gradient.
    Embeddings, heads, blocks and initial states are TRM's (same code in both repositories)."""

    def __init__(self, config):
        super().__init__(config)
        self.H_level = TinyRecursiveReasoningModel_ACTV1ReasoningModule(
            layers=[TinyRecursiveReasoningModel_ACTV1Block(self.config) for _ in range(self.config.H_layers)]
        )

    def forward(self, carry, batch):
        seq_info = dict(cos_sin=self.rotary_emb() if hasattr(self, "rotary_emb") else None)
        input_embeddings = self._input_embeddings(batch["inputs"], batch["puzzle_identifiers"])

        # Forward iterations
        with torch.no_grad():
            z_H, z_L = carry.z_H, carry.z_L
            for _H_step in range(self.config.H_cycles):
                for _L_step in range(self.config.L_cycles):
                    if not ((_H_step == self.config.H_cycles - 1) and (_L_step == self.config.L_cycles - 1)):
                        z_L = self.L_level(z_L, z_H + input_embeddings, **seq_info)
                if not (_H_step == self.config.H_cycles - 1):
                    z_H = self.H_level(z_H, z_L, **seq_info)
        assert not z_H.requires_grad and not z_L.requires_grad
        # 1-step grad
        z_L = self.L_level(z_L, z_H + input_embeddings, **seq_info)
        z_H = self.H_level(z_H, z_L, **seq_info)

        new_carry = TinyRecursiveReasoningModel_ACTV1InnerCarry(z_H=z_H.detach(), z_L=z_L.detach())
        output = self.lm_head(z_H)[:, self.puzzle_emb_len :]
        q_logits = self.q_head(z_H[:, 0])
        return new_carry, output, (q_logits[..., 0], q_logits[..., 1])


class HierarchicalReasoningModel_ACTV1(TinyRecursiveReasoningModel_ACTV1):
    """HRM's ACT: halt when q_halt > q_continue; q_continue learns a target read from an extra
    forward pass of the inner model on the new carry (training only)."""

    def __init__(self, config_dict):
        nn.Module.__init__(self)
        cfg = dict(config_dict)
        cfg.setdefault("puzzle_emb_len", 0)  # HRM: ceil(puzzle_emb_ndim / hidden_size) prefix positions
        cfg["no_ACT_continue"] = False
        self.config = TinyRecursiveReasoningModel_ACTV1Config(**cfg)
        self.inner = HierarchicalReasoningModel_ACTV1_Inner(self.config)

    def forward(self, carry, batch):
        new_inner_carry = self.inner.reset_carry(carry.halted, carry.inner_carry)
        new_steps = torch.where(carry.halted, 0, carry.steps)
        new_current_data = {
            k: torch.where(carry.halted.view((-1,) + (1,) * (batch[k].ndim - 1)), batch[k], v)
            for k, v in carry.current_data.items()
        }
        new_inner_carry, logits, (q_halt_logits, q_continue_logits) = self.inner(new_inner_carry, new_current_data)
        outputs = {"logits": logits, "q_halt_logits": q_halt_logits, "q_continue_logits": q_continue_logits}

        with torch.no_grad():
            new_steps = new_steps + 1
            is_last_step = new_steps >= self.config.halt_max_steps
            halted = is_last_step
            if self.training and (self.config.halt_max_steps > 1):
                halted = halted | (q_halt_logits > q_continue_logits)
                min_halt_steps = (torch.rand_like(q_halt_logits) < self.config.halt_exploration_prob) * torch.randint_like(
                    new_steps, low=2, high=self.config.halt_max_steps + 1
                )
                halted = halted & (new_steps >= min_halt_steps)
                # Compute target Q (no replay buffer, no target network)
                next_q_halt_logits, next_q_continue_logits = self.inner(new_inner_carry, new_current_data)[-1]
                outputs["target_q_continue"] = torch.sigmoid(
                    torch.where(is_last_step, next_q_halt_logits, torch.maximum(next_q_halt_logits, next_q_continue_logits))
                )

        return TinyRecursiveReasoningModel_ACTV1Carry(new_inner_carry, new_steps, halted, new_current_data), outputs


# ---------------------------------------------------------------- models/losses.py
def s(x, epsilon=1e-30):
    return torch.where(x < 0, 1 / (1 - x + epsilon), x + 1)


def log_stablemax(x, dim=-1):
    s_x = s(x)
    return torch.log(s_x / torch.sum(s_x, dim=dim, keepdim=True))


def stablemax_cross_entropy(logits, labels, ignore_index=-100, valid_mask=None):
    logprobs = log_stablemax(logits.to(torch.float64), dim=-1)
    if valid_mask is None:
        valid_mask = labels != ignore_index
    transformed_labels = torch.where(valid_mask, labels, 0)
    prediction_logprobs = torch.gather(logprobs, index=transformed_labels.to(torch.long).unsqueeze(-1), dim=-1).squeeze(-1)
    return -torch.where(valid_mask, prediction_logprobs, 0)


def softmax_cross_entropy(logits, labels, ignore_index=-100, valid_mask=None):
    return F.cross_entropy(
        logits.to(torch.float32 if logits.dtype != torch.float64 else torch.float64).view(-1, logits.shape[-1]),
        labels.to(torch.long).view(-1),
        ignore_index=ignore_index,
        reduction="none",
    ).view(labels.shape)


class ACTLossHead(nn.Module):
    def __init__(self, model, loss_type="stablemax_cross_entropy"):
        super().__init__()
        self.model = model
        self.loss_fn = globals()[loss_type]

    def initial_carry(self, *args, **kwargs):
        return self.model.initial_carry(*args, **kwargs)

    def forward(self, return_keys, **model_kwargs):
        new_carry, outputs = self.model(**model_kwargs)
        labels = new_carry.current_data["labels"]

        with torch.no_grad():
            outputs["preds"] = torch.argmax(outputs["logits"], dim=-1)
            mask = labels != IGNORE_LABEL_ID
            loss_counts = mask.sum(-1)
            loss_divisor = loss_counts.clamp_min(1).unsqueeze(-1)
            is_correct = mask & (torch.argmax(outputs["logits"], dim=-1) == labels)
            seq_is_correct = is_correct.sum(-1) == loss_counts
            valid_metrics = new_carry.halted & (loss_counts > 0)
            metrics = {
                "count": valid_metrics.sum(),
                "accuracy": torch.where(valid_metrics, (is_correct.to(torch.float32) / loss_divisor).sum(-1), 0).sum(),
                "exact_accuracy": (valid_metrics & seq_is_correct).sum(),
                "q_halt_accuracy": (valid_metrics & ((outputs["q_halt_logits"] >= 0) == seq_is_correct)).sum(),
                "steps": torch.where(valid_metrics, new_carry.steps, 0).sum(),
                "seq_is_correct": seq_is_correct,
            }

        lm_loss = (self.loss_fn(outputs["logits"], labels, ignore_index=IGNORE_LABEL_ID, valid_mask=mask) / loss_divisor).sum()
        q_halt_loss = F.binary_cross_entropy_with_logits(
            outputs["q_halt_logits"], seq_is_correct.to(outputs["q_halt_logits"].dtype), reduction="sum"
        )
        metrics.update({"lm_loss": lm_loss.detach(), "q_halt_loss": q_halt_loss.detach()})
        q_continue_loss = 0
        if "target_q_continue" in outputs:
            q_continue_loss = F.binary_cross_entropy_with_logits(
                outputs["q_continue_logits"], outputs["target_q_continue"], reduction="sum"
            )
            metrics["q_continue_loss"] = q_continue_loss.detach()
        detached_outputs = {k: outputs[k].detach() for k in return_keys if k in outputs}
        return new_carry, lm_loss + 0.5 * (q_halt_loss + q_continue_loss), metrics, detached_outputs, new_carry.halted.all()


def dataset_labels(labels, ignore_label_id=0):
    """puzzle_dataset.py: dataset label `ignore_label_id` (PAD = 0) becomes IGNORE_LABEL_ID."""
    labels = labels.clone()
    labels[labels == ignore_label_id] = IGNORE_LABEL_ID
    return labels


# ---------------------------------------------------------------- optimisers and EMA
@torch.no_grad()
def adam_atan2_step(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, weight_decay):
    """The adam_atan2 package's reference update (its test file): no epsilon, decoupled decay."""
    param.mul_(1 - lr * weight_decay)
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.lerp_(grad.square(), 1 - beta2)
    bias_correction1 = 1 - beta1**step
    bias_correction2_sqrt = math.sqrt(1 - beta2**step)
    param.add_(torch.atan2(exp_avg / bias_correction1, exp_avg_sq.sqrt() / bias_correction2_sqrt), alpha=-lr)


@torch.no_grad()
def sign_sgd_rows_step(weights, local_ids, local_grad, lr, weight_decay):
    """CastedSparseEmbeddingSignSGD_Distributed, one process: sum the local rows' gradients
    per unique id, then p <- p (1 - lr wd) - lr sign(g) on those rows only."""
    ids, inv = local_ids.long().unique(return_inverse=True)
    grad = torch.zeros((ids.shape[0], local_grad.shape[1]), dtype=local_grad.dtype)
    grad.scatter_add_(0, inv.unsqueeze(-1).expand(-1, local_grad.shape[1]), local_grad)
    p = weights[ids]
    p.mul_(1.0 - lr * weight_decay).add_(torch.sign(grad), alpha=-lr)
    weights[ids] = p


class EMAHelper:
    """models/ema.py: shadow <- (1 - mu) * param + mu * shadow over parameters that require grad."""

    def __init__(self, mu=0.999):
        self.mu = mu
        self.shadow = {}

    def register(self, module):
        for name, param in module.named_parameters():
            if param.requires_grad:
                self.shadow[name] = param.data.clone()

    def update(self, module):
        for name, param in module.named_parameters():
            if param.requires_grad:
                self.shadow[name].data = (1.0 - self.mu) * param.data + self.mu * self.shadow[name].data


HRM_NAME = "hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1"
HIER6_NAME = "recursive_reasoning.trm_hier6@TinyRecursiveReasoningModel_ACTV1"


def build(config_dict, dtype=torch.float64):
    """ACTLossHead(model(config)) in `dtype`: HRM or multi-scale z (trm_hier6) when config["name"]
    is their arch name, else TRM."""
    cfg = dict(config_dict)
    name = cfg.pop("name", "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1")
    cfg["forward_dtype"] = str(dtype).replace("torch.", "")
    model_cls = {HRM_NAME: HierarchicalReasoningModel_ACTV1, HIER6_NAME: TinyRecursiveReasoningModel_ACTV1Hier6}.get(
        name, TinyRecursiveReasoningModel_ACTV1
    )
    head = ACTLossHead(model_cls(cfg))
    return head.to(dtype)
