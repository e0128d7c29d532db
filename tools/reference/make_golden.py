"""Writes the kit's golden files from the PyTorch re-statement (trm_reference.py).

    /usr/bin/python3 tools/reference/make_golden.py [--out lib/model/testdata] [--only trm_hier6 ...]

Everything is computed in float64 from float32 weights and stored as float32, so the
files hold the exact answer (to float32 rounding) that the kit's fp32 code is held to.

Files (tiny shapes, a few hundred kB in all):
- trm_<case>.safetensors: official-named weights, a batch (inputs, puzzle_identifiers,
  labels with 0 = ignored, as in the dataset files), and two supervision steps through
  ACTLossHead: step1 from the initial carry (H_init, L_init), step2 from step1's carry.
  Each: logits, q_halt_logits, q_continue_logits, z_H, z_L (trm_hier6: z_L1..z_L6), lm_loss, q_halt_loss,
  seq_is_correct and loss = (lm_loss + 0.5 (q_halt_loss + q_continue_loss)) / B, with
  q_continue_loss (and target_q_continue) for HRM only. step2 also has the gradient
  of its loss for every parameter and for the puzzle-embedding table (grad.<name>).
- losses.safetensors: log-stablemax, per-row stablemax / softmax CE and their gradients,
  BCE-with-logits and its gradient.
- optim.safetensors: AdamATan2, torch.optim.AdamW, sign-SGD rows and EMA over a few steps.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import trm_reference as ref  # noqa: E402

BASE = dict(
    batch_size=4,
    seq_len=8,
    num_puzzle_identifiers=3,
    vocab_size=6,
    H_cycles=2,
    L_cycles=2,
    H_layers=0,
    L_layers=2,
    hidden_size=8,
    expansion=4,
    num_heads=2,
    pos_encodings="none",
    halt_max_steps=4,
    halt_exploration_prob=0.1,
    puzzle_emb_ndim=8,
    puzzle_emb_len=2,
    mlp_t=False,
)

CASES = {
    # TRM-MLP (Sudoku recipe): sequence-axis SwiGLU mixer, no positions.
    "mlp": dict(BASE, mlp_t=True),
    # TRM-Att with RoPE, T=3 so two recursions run without gradient.
    "att_rope": dict(BASE, pos_encodings="rope", H_cycles=3),
    # Attention without positions and without puzzle prefix (puzzle_emb_ndim 0 -> puzzle_emb_len 0).
    "att_noprefix": dict(BASE, puzzle_emb_ndim=0, puzzle_emb_len=0, L_layers=1, L_cycles=3),
    # HRM (hrm_act_v1.py): f_L and f_H, 1-step gradient, Q-learning ACT. One prefix position
    # (ceil(puzzle_emb_ndim / hidden_size)); halt_max_steps 2 so step2 is the last step and
    # its q_continue target takes the is-last branch.
    "hrm": dict(
        BASE, name=ref.HRM_NAME, pos_encodings="rope", H_layers=1, L_layers=1, H_cycles=2, L_cycles=2,
        puzzle_emb_len=0, halt_max_steps=2,
    ),
    # Multi-scale z (trm_hier6.py, paper Table 2) at n=6 (its six latents all rewritten),
    # TRM-MLP as for Sudoku, T=2, one layer to keep the file small.
    "hier6": dict(BASE, name=ref.HIER6_NAME, mlp_t=True, L_layers=1, H_cycles=2, L_cycles=6),
}


def f32(t):
    return t.detach().to(torch.float32).contiguous()


def make_model_case(name, cfg, seed):
    torch.manual_seed(seed)
    head = ref.build(cfg, torch.float32)  # official init, in float32
    inner = head.model.inner
    d = cfg["hidden_size"]
    with torch.no_grad():
        # Non-trivial halting head and puzzle embeddings (the official init makes them 0 / -5).
        inner.q_head.weight.copy_(torch.randn_like(inner.q_head.weight) / d**0.5)
        inner.q_head.bias.copy_(torch.randn_like(inner.q_head.bias) * 0.5)
        if cfg["puzzle_emb_ndim"] > 0:
            inner.puzzle_emb.weights.copy_(torch.randn_like(inner.puzzle_emb.weights) / d**0.5)
    weights = {k: f32(v) for k, v in head.state_dict().items()}
    head = head.double()
    hrm = cfg.get("name") == ref.HRM_NAME
    hier6 = cfg.get("name") == ref.HIER6_NAME
    # TRM: evaluation mode, halting only at halt_max_steps, so step2 continues step1's carry.
    # HRM: training mode, which computes the q_continue target; step2 is made to continue
    # step1's carry below (its exploration draws only decide halting, not this step's numbers).
    head.train(hrm)
    if cfg["puzzle_emb_ndim"] > 0:
        inner.puzzle_emb.eval()  # looks up the table itself rather than per-batch local rows
        inner.puzzle_emb.weights.requires_grad_(True)  # so the table's gradient = sum of its rows' uses

    b, s, v = cfg["batch_size"], cfg["seq_len"], cfg["vocab_size"]
    g = torch.Generator().manual_seed(seed + 1)
    inputs = torch.randint(1, v, (b, s), generator=g, dtype=torch.int32)
    puzzle_ids = torch.randint(0, cfg["num_puzzle_identifiers"], (b,), generator=g, dtype=torch.int32)
    labels = torch.randint(1, v, (b, s), generator=g, dtype=torch.int32)
    labels[1, [2, 5]] = 0
    labels[3] = 0  # a row with nothing to score (the halting target is then "correct")

    def run(labels):
        batch = {"inputs": inputs, "labels": ref.dataset_labels(labels), "puzzle_identifiers": puzzle_ids}
        carry = head.initial_carry(batch)
        out = []
        for _ in range(2):
            for p in list(head.parameters()) + [getattr(inner, "puzzle_emb", None) and inner.puzzle_emb.weights]:
                if p is not None:
                    p.grad = None
            carry, loss, metrics, outputs, _ = head(
                return_keys=["logits", "q_halt_logits", "q_continue_logits", "target_q_continue"],
                carry=carry,
                batch=batch,
            )
            (loss / b).backward()
            out.append((carry, loss / b, metrics, outputs))
            carry.halted = torch.zeros_like(carry.halted)  # step2 continues every row
        return out

    # Row 0's labels are step2's own argmax (one cell ignored), so its halting target is 1.
    dry = run(labels)
    logits2 = dry[1][3]["logits"]
    labels[0] = torch.argmax(logits2[0], -1).to(torch.int32)
    labels[0, 3] = 0
    top2 = torch.topk(logits2[0], 2, dim=-1).values
    margin = (top2[:, 0] - top2[:, 1]).min().item()
    assert margin > 1e-3, f"{name}: argmax margin {margin} too small for an fp32 comparison; change the seed"
    steps = run(labels)
    assert bool(steps[1][2]["seq_is_correct"][0]), "row 0 should be exactly right at step 2"

    tensors = dict(weights)
    tensors["inputs"] = inputs
    tensors["puzzle_identifiers"] = puzzle_ids
    tensors["labels"] = labels
    for k, (carry, loss, metrics, outputs) in enumerate(steps, start=1):
        p = f"step{k}."
        tensors[p + "logits"] = f32(outputs["logits"])
        tensors[p + "q_halt_logits"] = f32(outputs["q_halt_logits"])
        tensors[p + "q_continue_logits"] = f32(outputs["q_continue_logits"])
        tensors[p + "z_H"] = f32(carry.inner_carry.z_H)
        if hier6:
            for i, z in enumerate(carry.inner_carry.latents(), start=1):
                tensors[p + f"z_L{i}"] = f32(z)
        else:
            tensors[p + "z_L"] = f32(carry.inner_carry.z_L)
        tensors[p + "lm_loss"] = f32(metrics["lm_loss"].reshape(1))
        tensors[p + "q_halt_loss"] = f32(metrics["q_halt_loss"].reshape(1))
        tensors[p + "seq_is_correct"] = f32(metrics["seq_is_correct"].double())
        tensors[p + "loss"] = f32(loss.reshape(1))
        if hrm:
            tensors[p + "target_q_continue"] = f32(outputs["target_q_continue"])
            tensors[p + "q_continue_loss"] = f32(metrics["q_continue_loss"].reshape(1))
    # Gradients of step2's loss (the last backward above).
    for pname, param in head.named_parameters():
        tensors["step2.grad." + pname] = f32(param.grad)
    if cfg["puzzle_emb_ndim"] > 0:
        tensors["step2.grad.model.inner.puzzle_emb.weights"] = f32(inner.puzzle_emb.weights.grad)
    meta = {"format": "trm-golden/1", "case": name, "config": json.dumps(cfg), "loss_type": "stablemax_cross_entropy"}
    return tensors, meta


def make_losses(seed):
    g = torch.Generator().manual_seed(seed)
    b, s, v = 3, 5, 7
    logits = (torch.randn((b, s, v), generator=g) * 3).to(torch.float32)
    logits[0, 0, :3] = 0.0  # the stablemax kink
    logits[1, 1, 2] = 40.0
    logits[1, 2, 4] = -40.0
    labels = torch.randint(1, v, (b, s), generator=g, dtype=torch.int32)
    labels[0, 4] = 0
    labels[2] = 0
    x = logits.double().requires_grad_(True)
    lab = ref.dataset_labels(labels)
    mask = lab != ref.IGNORE_LABEL_ID
    divisor = mask.sum(-1).clamp_min(1).unsqueeze(-1)
    out = {"logits": logits, "labels": labels}
    out["log_stablemax"] = f32(ref.log_stablemax(x.detach()))
    for kind, fn in (("stablemax", ref.stablemax_cross_entropy), ("softmax", ref.softmax_cross_entropy)):
        x.grad = None
        rows = (fn(x, lab, ignore_index=ref.IGNORE_LABEL_ID, valid_mask=mask) / divisor).sum(-1)
        rows.sum().backward()
        out[f"row_loss.{kind}"] = f32(rows)
        out[f"grad.{kind}"] = f32(x.grad)
    q = torch.tensor([-30.0, -2.5, 0.0, 0.7, 3.0, 30.0], dtype=torch.float32)
    t = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 0.0], dtype=torch.float32)
    qx = q.double().requires_grad_(True)
    bce = torch.nn.functional.binary_cross_entropy_with_logits(qx, t.double(), reduction="none")
    bce.sum().backward()
    out.update({"q_logits": q, "q_targets": t, "bce": f32(bce), "bce.grad": f32(qx.grad)})
    return out, {"format": "trm-golden/1", "case": "losses"}


def make_optim(seed):
    g = torch.Generator().manual_seed(seed)
    k = 4
    hp = dict(beta1=0.9, beta2=0.95, weight_decay=0.1, eps=1e-8, steps=k)
    lrs = torch.tensor([1e-2, 2e-2, 3e-2, 3e-2], dtype=torch.float32)
    p0 = {"a": torch.randn((4, 3), generator=g).float(), "b": torch.randn((5,), generator=g).float()}
    grads = []
    for _ in range(k):
        ga = (torch.randn((4, 3), generator=g) * 0.1).float()
        ga[0, 0] = 0.0  # never a gradient: atan2(0, 0) = 0, only the decay moves it
        gb = (torch.randn((5,), generator=g) * 10).float()
        grads.append({"a": ga, "b": gb})
    out = {"lr": lrs}
    for n, p in p0.items():
        out[f"p0.{n}"] = p
    for t, gr in enumerate(grads, start=1):
        for n, gv in gr.items():
            out[f"g{t}.{n}"] = gv

    # AdamATan2 (reference update), float64.
    params = {n: p.double().clone() for n, p in p0.items()}
    m = {n: torch.zeros_like(p) for n, p in params.items()}
    v = {n: torch.zeros_like(p) for n, p in params.items()}
    module = torch.nn.Module()
    for n, p in params.items():
        setattr(module, n, torch.nn.Parameter(p))
    emas = {rate: ref.EMAHelper(rate) for rate in (0.999, 0.9)}
    for e in emas.values():
        e.register(module)
    for t, gr in enumerate(grads, start=1):
        for n in params:
            ref.adam_atan2_step(
                getattr(module, n).data, gr[n].double(), m[n], v[n], t, lrs[t - 1].item(),
                hp["beta1"], hp["beta2"], hp["weight_decay"],
            )
            out[f"adam_atan2.{t}.{n}"] = f32(getattr(module, n).data)
        for rate, e in emas.items():
            e.update(module)
            for n in params:
                out[f"ema{rate}.{t}.{n}"] = f32(e.shadow[n])

    # torch.optim.AdamW (what the paper's text names), float64.
    ps = [torch.nn.Parameter(p0[n].double().clone()) for n in ("a", "b")]
    opt = torch.optim.AdamW(ps, lr=lrs[0].item(), betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"], weight_decay=hp["weight_decay"])
    for t, gr in enumerate(grads, start=1):
        for group in opt.param_groups:
            group["lr"] = lrs[t - 1].item()
        for p, n in zip(ps, ("a", "b")):
            p.grad = gr[n].double()
        opt.step()
        for p, n in zip(ps, ("a", "b")):
            out[f"adamw.{t}.{n}"] = f32(p.data)

    # Sign-SGD on the puzzle-embedding rows a batch used (ids repeat; row 1 is unused).
    table = torch.randn((4, 3), generator=g).float()
    ids = torch.tensor([2, 0, 2, 3, 0], dtype=torch.int32)
    local_grad = torch.randn((5, 3), generator=g).float()
    local_grad[1] = -local_grad[4]  # id 0's summed gradient: exactly zero, so sign 0
    local_grad[1, 0] += 0.5
    updated = table.double().clone()
    ref.sign_sgd_rows_step(updated, ids, local_grad.double(), lr=0.05, weight_decay=0.1)
    out.update({"sign.table": table, "sign.ids": ids, "sign.local_grad": local_grad, "sign.expected": f32(updated)})
    meta = {"format": "trm-golden/1", "case": "optim", "hyper": json.dumps(dict(hp, sign_lr=0.05, sign_weight_decay=0.1))}
    return out, meta


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "lib", "model", "testdata"))
    ap.add_argument(
        "--only", nargs="+", metavar="FILE",
        help="write only these files (e.g. trm_hier6; .safetensors may be left off); default: all",
    )
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    makers = {}
    # Seeds follow each case's position in CASES: append new cases so older files stay the same.
    for i, (name, cfg) in enumerate(CASES.items()):
        makers[f"trm_{name}.safetensors"] = lambda name=name, cfg=cfg, i=i: make_model_case(name, cfg, seed=100 + 10 * i)
    makers["losses.safetensors"] = lambda: make_losses(seed=7)
    makers["optim.safetensors"] = lambda: make_optim(seed=8)
    wanted = list(makers)
    if args.only:
        wanted = [f if f.endswith(".safetensors") else f + ".safetensors" for f in args.only]
        unknown = [f for f in wanted if f not in makers]
        if unknown:
            ap.error(f"unknown golden file(s) {unknown}; known: {list(makers)}")
    files = {f: makers[f]() for f in wanted}
    total = 0
    for fname, (tensors, meta) in files.items():
        path = os.path.join(args.out, fname)
        safetensors_io.save(path, tensors, meta)
        size = os.path.getsize(path)
        total += size
        print(f"{os.path.relpath(path)}: {len(tensors)} tensors, {size / 1024:.1f} kB")
    print(f"total {total / 1024:.1f} kB (torch {torch.__version__})")


if __name__ == "__main__":
    main()
