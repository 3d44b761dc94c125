#!/usr/bin/env python3
"""RD curves (PSNR-RGB and MS-SSIM in dB against bpp) from CompressAI-style JSON files, to PNG
and SVG.

    python3 scripts/plot_rd.py results/*.json --out docs/kodak-rd
"""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import rd  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+")
    parser.add_argument("--out", required=True, help="output path without extension")
    parser.add_argument("--title", default="Kodak (24 images)")
    parser.add_argument("--max-bpp", type=float, default=2.0)
    args = parser.parse_args()
    figure, axes = plt.subplots(1, 2, figsize=(13, 5.2))
    for path in args.results:
        name, r = rd.read_results(path)
        style = dict(marker="o", markersize=3, linewidth=2.2 if name.lower().startswith("aeic") else 1.2,
                     linestyle="--" if "published" in name else "-")
        # Published curves may carry PSNR only.
        for ax, metric in zip(axes, ["psnr-rgb", "ms-ssim-db"]):
            points = sorted((b, v) for b, v in zip(r["bpp"], r.get(metric, [])) if b <= args.max_bpp)
            if points:
                ax.plot(*zip(*points), label=name, **style)
    for ax, label in zip(axes, ["PSNR-RGB (dB)", "MS-SSIM (dB)"]):
        ax.set_xlabel("bits per pixel")
        ax.set_ylabel(label)
        ax.set_title(f"{args.title}: {label.split(' ')[0]}")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    figure.tight_layout()
    for extension in ("png", "svg"):
        figure.savefig(f"{args.out}.{extension}", dpi=110)


if __name__ == "__main__":
    main()
