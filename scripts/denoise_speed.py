"""Seconds to denoise one photo: aeic (both precisions) and CBM3D on the same noisy image,
in the same run, on a quiet machine.

    env -u OPENBLAS_CORETYPE .venv/bin/python scripts/denoise_speed.py --image ../shared/datasets/kodak/kodim05.png

aeic's time is the whole command (reading, tiles, writing), as a user waits for it, in each
precision and with the self-ensemble; CBM3D's is the library call alone, given the true
sigma. Medians over --rounds.
"""
import argparse
import importlib.metadata
import pathlib
import statistics
import subprocess
import tempfile
import time

import imagecodecs
import numpy as np

import denoise_filters as filters


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", required=True)
    parser.add_argument("--aeic", default=".build/release/aeic")
    parser.add_argument("--sigma", type=float, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        noisy_path, out = pathlib.Path(tmp) / "noisy.png", pathlib.Path(tmp) / "out.png"
        subprocess.run([args.aeic, "noise", args.image, "-o", str(noisy_path), "--kind", "gaussian",
                        "--level", str(args.sigma), "--seed", "1"], check=True)
        noisy = imagecodecs.imread(str(noisy_path)).astype(np.float64) / 255
        rows = []
        for flags in (["--precision", "float32"], ["--precision", "bfloat16"], ["--precision", "bfloat16", "--ensemble"]):
            def run():
                start = time.perf_counter()
                subprocess.run([args.aeic, "denoise", str(noisy_path), "-o", str(out), "-f"] + flags, check=True)
                return time.perf_counter() - start
            run()  # warm the page cache
            rows.append((f"aeic denoise {' '.join(flags)} (blind)", statistics.median(run() for _ in range(args.rounds))))
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            filters.cbm3d(noisy, args.sigma)
            times.append(time.perf_counter() - start)
        rows.append((f"CBM3D (bm3d {importlib.metadata.version('bm3d')}, true sigma)", statistics.median(times)))
    h, w = noisy.shape[:2]
    print(f"| {pathlib.Path(args.image).name} ({w}×{h}), Gaussian sigma {args.sigma:g} | seconds (median of {args.rounds}) | vs CBM3D |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / rows[-1][1]:.3f}× |")


if __name__ == "__main__":
    main()
