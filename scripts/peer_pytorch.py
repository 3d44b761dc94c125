#!/usr/bin/env python3
"""Training and inference speed of CompressAI's bmshj2018-factorized in PyTorch, next to
`aeic bench train` and `aeic bench model` measured in the same run, with the ratios. Where
aeic can run its GEMMs in bfloat16, PyTorch also runs under bfloat16 autocast, for a
like-for-like row.

With `--image PHOTO`, also the whole codec on that photo: CompressAI's `net.compress` (pixels
to entropy-coded strings) and `net.decompress` (strings to pixels) of bmshj2018-factorized and
mbt2018-mean at quality 4, in Float32 as a researcher runs them, against `aeic bench codec`
(the model aeic ships, pixels to file bytes and back), each model loaded once. CompressAI's
weights cannot be fetched here, so its models are untrained, with `net.update()` making their
tables: their coders still code every latent, and the transforms' cost does not depend on
the weights.

    pip install torch compressai   # the peer
    python3 scripts/peer_pytorch.py --aeic .build/release/aeic [--rounds 3] [--image kodim05.png]
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys

import torch
import numpy as np
from compressai.zoo import bmshj2018_factorized, mbt2018_mean
from PIL import Image

from timing import median_seconds


# aeic keeps freed blocks in its heap (Sources/CHeap: mallopt, 1 GiB thresholds) instead of
# letting glibc map and unmap every large tensor, which cost a third of g_a in page faults.
# PyTorch pays the same with glibc's defaults (g_a took 0.25 s instead of 0.11 s here), so it
# gets the same setting through glibc's environment unless --default-heap is given.
HEAP = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}


def peer(args, bfloat16):
    """PyTorch's figures in Float32, and with `bfloat16` also under CPU autocast to bfloat16
    (PyTorch's own mixed precision: convolutions on bfloat16 operands), keys suffixed; the
    codecs in Float32 alone."""
    result = {}
    for suffix, dtype in [("", None)] + ([("_bfloat16", torch.bfloat16)] if bfloat16 else []):
        with torch.autocast("cpu", dtype=dtype or torch.bfloat16, enabled=dtype is not None):
            result.update({key + suffix: value for key, value in peer_times(args).items()})
    if args.image:
        for name in CODEC_PEERS:
            result.update({f"{key}:{name}": value for key, value in codec_times(name, args).items()})
    return result


def peer_times(args):
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    net = bmshj2018_factorized(quality=4, pretrained=False)  # N=128, M=192
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-4)
    x = torch.rand(args.batch, 3, args.crop, args.crop)
    lmbda = 0.0130

    def step():
        optimizer.zero_grad()
        out = net(x)
        pixels = x.size(0) * x.size(2) * x.size(3)
        bpp = sum(-torch.log2(l.float()).sum() for l in out["likelihoods"].values()) / pixels
        loss = lmbda * 255**2 * torch.nn.functional.mse_loss(out["x_hat"].float(), x) + bpp
        loss.backward()
        optimizer.step()

    train = args.batch / median_seconds(step, args.repeats)
    net.eval()
    width, height = (int(v) for v in args.size.split("x"))
    image = torch.rand(1, 3, height, width)
    with torch.no_grad():
        y = net.g_a(image)
        g_a = median_seconds(lambda: net.g_a(image), args.repeats)
        g_s = median_seconds(lambda: net.g_s(y), args.repeats)
    return {"images_per_s": train, "g_a_s": g_a, "g_s_s": g_s}


CODEC_PEERS = {"bmshj2018-factorized": bmshj2018_factorized, "mbt2018-mean": mbt2018_mean}


def codec_times(name, args):
    """CompressAI's compress and decompress of the photo with model `name` at quality 4,
    its tables made once beforehand."""
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    net = CODEC_PEERS[name](quality=4, pretrained=False).eval()
    net.update(force=True)
    pixels = np.asarray(Image.open(args.image).convert("RGB"), dtype=np.float32) / 255
    x = torch.from_numpy(pixels).permute(2, 0, 1).unsqueeze(0).contiguous()
    with torch.no_grad():
        coded = net.compress(x)
        compress = median_seconds(lambda: net.compress(x), args.repeats)
        decompress = median_seconds(lambda: net.decompress(coded["strings"], coded["shape"]), args.repeats)
    return {"compress_s": compress, "decompress_s": decompress}


def ours(args, bfloat16):
    common = ["--repeats", str(args.repeats), "--threads", str(args.threads), "--json"]
    train = [args.aeic, "bench", "train", "--batch", str(args.batch), "--crop", str(args.crop)] + common
    model = [args.aeic, "bench", "model", "--size", args.size] + common
    codec = [args.aeic, "bench", "codec", args.image] + common if args.image else None
    result = {}
    # Explicit, as aeic's defaults differ by command (compress encodes in bfloat16 where it can).
    variants = [("", ["--precision", "float32"])] + ([("_bfloat16", ["--precision", "bfloat16"])] if bfloat16 else [])
    for suffix, precision in variants:
        for command in filter(None, (train, model, codec)):
            times = json.loads(subprocess.run(command + precision, check=True, capture_output=True, text=True).stdout)
            result.update({key + suffix: value for key, value in times.items()})
    return result


def rows(args, bfloat16):
    """(label, aeic key, PyTorch key) for every measure this run has."""
    measures = [("images_per_s", f"training images/s ({args.batch}×{args.crop}²)"),
                ("g_a_s", f"g_a seconds ({args.size})"), ("g_s_s", f"g_s seconds ({args.size})")]
    out = []
    for key, label in measures:
        out.append((f"{label}, both Float32", key, key))
        if bfloat16:
            out.append((f"{label}, aeic bfloat16, PyTorch Float32", f"{key}_bfloat16", key))
            out.append((f"{label}, both bfloat16", f"{key}_bfloat16", f"{key}_bfloat16"))
    for name in CODEC_PEERS if args.image else ():
        for key, what in (("compress_s", "compress"), ("decompress_s", "decompress")):
            label = f"{what} seconds ({args.image.name}), aeic's model against {name}"
            out.append((f"{label}, both Float32", key, f"{key}:{name}"))
            if bfloat16:
                out.append((f"{label}, aeic bfloat16, PyTorch Float32", f"{key}_bfloat16", f"{key}:{name}"))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aeic", default=".build/release/aeic")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--crop", type=int, default=256)
    parser.add_argument("--size", default="768x512")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--image", type=pathlib.Path,
                        help="also time the whole codec (compress, decompress) on this photo")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (PyTorch, aeic); the table gives medians over rounds")
    parser.add_argument("--default-heap", action="store_true",
                        help="run PyTorch with glibc's default heap settings")
    args = parser.parse_args()
    if not args.default_heap and any(os.environ.get(k) != v for k, v in HEAP.items()):
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **HEAP})
    # aeic refuses --precision bfloat16 (exit 2) on a CPU without AVX512_BF16.
    probe = [args.aeic, "bench", "model", "--size", "16x16", "--repeats", "1", "--precision", "bfloat16"]
    bfloat16 = subprocess.run(probe, capture_output=True).returncode == 0
    rounds = [(peer(args, bfloat16), ours(args, bfloat16)) for _ in range(args.rounds)]
    print(f"| measure | aeic | PyTorch {torch.__version__} + CompressAI | ratio (median) | ratio per round |")
    print("|---|---:|---:|---:|---|")
    for label, mine_key, their_key in rows(args, bfloat16):
        ratios = [m[mine_key] / t[their_key] for t, m in rounds]
        mine = statistics.median(m[mine_key] for _, m in rounds)
        theirs = statistics.median(t[their_key] for t, _ in rounds)
        print(f"| {label} | {mine:.3f} | {theirs:.3f} | {statistics.median(ratios):.2f}× | "
              + ", ".join(f"{r:.2f}×" for r in ratios) + " |")
    print(json.dumps([{"aeic": m, "pytorch": t} for t, m in rounds]))


if __name__ == "__main__":
    main()
