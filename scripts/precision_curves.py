#!/usr/bin/env python3
"""Training in Float32 against training with bfloat16 GEMMs: two `aeic train codec` runs from
the same seed (the same initial weights, crops, λs and noise; only the GEMMs' rounding
differs), their logged losses averaged over windows of steps side by side, the training
speed of each, and with --kodak the BD-rate between the two trained models on Kodak.
With --resume-from both runs continue a checkpoint (its architecture, step, λs and Adam
state) up to step --steps instead of starting afresh.

    env -u OPENBLAS_CORETYPE python3 scripts/precision_curves.py --data DIR [DIR ...] \
        [--steps 2000] [--resume-from CKPT] [--kodak DIR]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile

import rd
from bd_rate import bd_metrics

LOG = re.compile(r"step (\d+)\s+loss ([\d.]+)\s+bpp ([\d.]+)\s+psnr ([\d.]+) dB.*?([\d.]+) img/s")
PRECISIONS = ("float32", "bfloat16")


def parse_log(text):
    """[(step, loss, bpp, psnr, images/s)] from `aeic train codec`'s progress lines."""
    return [tuple(float(v) for v in m.groups()) for m in LOG.finditer(text)]


def train(args, precision, out):
    command = [args.aeic, "train", "codec", "--data", *args.data, "--out", out, "--steps", str(args.steps),
               "--batch", str(args.batch), "--crop", str(args.crop), "--seed", str(args.seed),
               "--lr", str(args.lr), "--precision", precision, "--checkpoint-minutes", "1000"]
    if args.resume_from:
        shutil.copyfile(args.resume_from, out)
        command.append("--resume")
    run = subprocess.run(command, check=True, capture_output=True, text=True)
    return parse_log(run.stdout + run.stderr)


def kodak_curve(args, checkpoint, folder):
    model, results = os.path.join(folder, "model.aeicmodel"), os.path.join(folder, "kodak.json")
    subprocess.run([args.aeic, "train", "export", checkpoint, "-o", model, "-f"], check=True, capture_output=True)
    subprocess.run([args.aeic, "eval", "codec", "--data", args.kodak, "--model", model, "--json", results, "-f"],
                   check=True, capture_output=True)
    return rd.read_results(results)[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aeic", default=".build/release/aeic")
    parser.add_argument("--data", nargs="+", required=True)
    parser.add_argument("--steps", type=int, default=2000, help="the step to stop at")
    parser.add_argument("--resume-from", help="a checkpoint both runs continue")
    parser.add_argument("--window", type=int, default=250, help="steps per row of the table")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--crop", type=int, default=128)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--kodak", help="Kodak folder: also compare the two models' RD curves")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        logs, curves = {}, {}
        for precision in PRECISIONS:
            folder = os.path.join(scratch, precision)
            os.mkdir(folder)
            checkpoint = os.path.join(folder, "run.ckpt")
            logs[precision] = train(args, precision, checkpoint)
            if args.kodak:
                curves[precision] = kodak_curve(args, checkpoint, folder)
    print(f"| steps | loss Float32 | loss bfloat16 | difference | bpp Float32 | bpp bfloat16 "
          f"| PSNR Float32 | PSNR bfloat16 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    first = int(min(r[0] for r in logs["float32"])) - 1
    for start in range(first - first % args.window, args.steps, args.window):
        rows = {p: [r for r in logs[p] if start < r[0] <= start + args.window] for p in PRECISIONS}
        if not all(rows.values()):
            continue
        mean = {p: [statistics.mean(r[i] for r in rows[p]) for i in (1, 2, 3)] for p in PRECISIONS}
        (loss32, bpp32, psnr32), (loss16, bpp16, psnr16) = mean["float32"], mean["bfloat16"]
        print(f"| {start + 1}–{start + args.window} | {loss32:.4f} | {loss16:.4f} | "
              f"{100 * (loss16 / loss32 - 1):+.2f}% | {bpp32:.4f} | {bpp16:.4f} | {psnr32:.2f} | {psnr16:.2f} |")
    for precision in PRECISIONS:
        speed = statistics.median(r[4] for r in logs[precision])
        print(f"{precision}: {speed:.2f} images/s (median of the logged rates)")
    if args.kodak:
        try:
            rate, psnr = bd_metrics(curves["bfloat16"], curves["float32"])
        except ValueError as error:  # a barely trained model's rates need not rise with quality
            print(f"Kodak: no BD-rate ({error})")
            return
        print(f"Kodak: the bfloat16-trained model against the Float32-trained one: "
              f"BD-rate {rate:+.2f}%, BD-PSNR {psnr:+.3f} dB")


if __name__ == "__main__":
    main()
