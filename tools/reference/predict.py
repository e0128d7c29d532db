"""Runs official-format TRM weights in the PyTorch re-statement, or makes such weights.

    # predictions of an exported kit checkpoint (deno task convert export ...)
    /usr/bin/python3 tools/reference/predict.py predict run.safetensors --puzzles puzzles.txt

    # a freshly initialised official model saved as a state dict (as a user's
    # published weights would be: H_init/L_init in bf16 with --bf16-buffers)
    /usr/bin/python3 tools/reference/predict.py init --arch '{"hidden_size": 32, ...}' --out w.safetensors

`predict` runs the ACT model in evaluation mode until every puzzle halts (at
halt_max_steps, as the official evaluation does) and prints one line per
puzzle: the argmax answer as digits ('.' for a PAD/blank token) and
sigmoid(q_halt) at the last step. The architecture comes from the file's
`trm_config` metadata (written by the kit's export) or from --arch (JSON with
the official keys). Puzzles: one per line, digits with '.' or '0' for blanks;
a CSV line uses its first field; lines starting with '#' are skipped.
"""
import argparse
import json
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import trm_reference as ref  # noqa: E402


def read_puzzles(path):
    puzzles = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            cells = line.split(",")[0].replace("|", "").replace(" ", "")
            if not cells[:1].isdigit() and cells[:1] != ".":
                continue  # a CSV header
            puzzles.append([0 if c in ".0" else int(c) for c in cells])
    return puzzles


def load_model(path, arch_json, dtype):
    tensors, meta = safetensors_io.load(path)
    arch = json.loads(arch_json) if arch_json else json.loads(meta.get("trm_config", "null") or "null")
    if arch is None:
        sys.exit(f"{path} has no trm_config metadata; give the architecture with --arch")
    arch = dict(arch)
    arch.setdefault("batch_size", 1)
    arch.setdefault("halt_exploration_prob", 0.1)
    arch.setdefault("H_layers", 0)
    head = ref.build(arch, dtype)
    state = {k.replace("_orig_mod.", ""): v.to(dtype) for k, v in tensors.items()}
    missing, unexpected = head.load_state_dict(state, strict=False)
    if missing or unexpected:
        sys.exit(f"{path} does not fit the architecture: missing {missing}, unexpected {unexpected}")
    head.eval()
    return head, arch


@torch.no_grad()
def predict(args):
    dtype = torch.float64 if args.float64 else torch.float32
    head, arch = load_model(args.weights, args.arch, dtype)
    puzzles = read_puzzles(args.puzzles)
    if not puzzles:
        sys.exit(f"no puzzles in {args.puzzles}")
    seq = arch["seq_len"]
    bad = [i + 1 for i, p in enumerate(puzzles) if len(p) != seq]
    if bad:
        sys.exit(f"puzzles {bad} do not have {seq} cells")
    b = len(puzzles)
    inputs = torch.tensor(puzzles, dtype=torch.int32) + 1  # tokens: value + 1, so 1 = blank
    batch = {
        "inputs": inputs,
        "labels": torch.full_like(inputs, ref.IGNORE_LABEL_ID),
        "puzzle_identifiers": torch.zeros(b, dtype=torch.int32),
    }
    carry = head.initial_carry(batch)
    steps = 0
    while True:
        carry, _, _, outputs, all_finish = head(return_keys=["preds", "q_halt_logits"], carry=carry, batch=batch)
        steps += 1
        if all_finish:
            break
    print(f"# {args.weights}: {b} puzzles, {steps} supervision steps, {dtype}")
    for i in range(b):
        digits = "".join("." if t < 2 else str(int(t) - 1) for t in outputs["preds"][i].tolist())
        print(f"puzzle {i + 1}: {digits} halt={torch.sigmoid(outputs['q_halt_logits'][i]).item():.4f}")


def init(args):
    torch.manual_seed(args.seed)
    arch = json.loads(args.arch)
    full = dict(arch)
    full.setdefault("batch_size", 1)
    full.setdefault("halt_exploration_prob", 0.1)
    full.setdefault("H_layers", 0)
    head = ref.build(full, torch.float32)
    state = head.state_dict()
    if args.bf16_buffers:  # the official model keeps H_init/L_init (trm_hier6: L1..L6_init) in bf16
        for k in [k for k in state if re.fullmatch(r"model\.inner\.(H|L\d*)_init", k)]:
            state[k] = state[k].to(torch.bfloat16)
    safetensors_io.save(args.out, state, {"format": "pt", "trm_config": json.dumps(arch)})
    print(f"wrote {args.out}: {len(state)} tensors")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("predict")
    p.add_argument("weights")
    p.add_argument("--puzzles", required=True)
    p.add_argument("--arch", help="official architecture keys as JSON (default: the file's trm_config)")
    p.add_argument("--float64", action="store_true")
    p.set_defaults(fn=predict)
    q = sub.add_parser("init")
    q.add_argument("--arch", required=True)
    q.add_argument("--out", required=True)
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--bf16-buffers", action="store_true")
    q.set_defaults(fn=init)
    args = ap.parse_args()
    torch.set_num_threads(1)
    args.fn(args)


if __name__ == "__main__":
    main()
