#!/usr/bin/env python3
"""Bjontegaard delta rate (%) and delta PSNR (dB) between RD curves in CompressAI-style JSON,
through the `bjontegaard` package (piecewise cubic interpolation over log-rate, as the
video-coding common test conditions prescribe).

    python3 scripts/bd_rate.py results/aeic.json results/jpeg.json results/webp.json ...

The first file is the test codec; every other file is an anchor. Negative BD-rate: the
test codec needs fewer bits for the same quality.
"""
import argparse

import bjontegaard as bd

import rd


def bd_metrics(test, anchor, metric="psnr-rgb", method="pchip"):
    """(BD-rate %, BD-quality) of `test` against `anchor` over their common quality range."""
    options = dict(method=method, require_matching_points=False)
    return (float(bd.bd_rate(anchor["bpp"], anchor[metric], test["bpp"], test[metric], **options)),
            float(bd.bd_psnr(anchor["bpp"], anchor[metric], test["bpp"], test[metric], **options)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("test")
    parser.add_argument("anchors", nargs="+")
    parser.add_argument("--method", default="pchip", choices=["pchip", "akima"])
    args = parser.parse_args()
    name, test = rd.read_results(args.test)
    print(f"| {name} against | BD-rate (PSNR-RGB) | BD-PSNR | BD-rate (MS-SSIM dB) | common PSNR range |")
    print("|---|---:|---:|---:|---|")
    for path in args.anchors:
        anchor_name, anchor = rd.read_results(path)
        low = max(min(test["psnr-rgb"]), min(anchor["psnr-rgb"]))
        high = min(max(test["psnr-rgb"]), max(anchor["psnr-rgb"]))
        if high <= low:
            print(f"| {anchor_name} | n/a | n/a | n/a | none: the curves do not overlap |")
            continue
        rate, psnr = bd_metrics(test, anchor, "psnr-rgb", args.method)
        ssim_rate, _ = bd_metrics(test, anchor, "ms-ssim-db", args.method)
        print(f"| {anchor_name} | {rate:+.1f}% | {psnr:+.2f} dB | {ssim_rate:+.1f}% | {low:.1f}–{high:.1f} dB |")


if __name__ == "__main__":
    main()
