#!/usr/bin/env python3
"""Bjontegaard delta rate (%) and delta PSNR (dB) between RD curves in CompressAI-style JSON,
through the `bjontegaard` package (piecewise cubic interpolation over log-rate, as the
video-coding common test conditions prescribe).

    python3 scripts/bd_rate.py results/aeic.json results/jpeg.json results/webp.json ...

The first file is the test codec; every other file is an anchor. Negative BD-rate: the
test codec needs fewer bits for the same quality.
"""
import argparse
import warnings

import bjontegaard as bd

import rd


def bd_metrics(test, anchor, metric="psnr-rgb", method="pchip"):
    """(BD-rate %, BD-quality) of `test` against `anchor` over their common quality range.
    The package warns when that range covers little of either curve; the table states the
    common range instead, so the warning is not repeated between its rows."""
    options = dict(method=method, require_matching_points=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Insufficient curve overlap")
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
    partial = False
    for path in args.anchors:
        anchor_name, anchor = rd.read_results(path)
        low = max(min(test["psnr-rgb"]), min(anchor["psnr-rgb"]))
        high = min(max(test["psnr-rgb"]), max(anchor["psnr-rgb"]))
        if high <= low:
            print(f"| {anchor_name} | n/a | n/a | n/a | none: the curves do not overlap |")
            continue
        partial |= (low, high) != (min(test["psnr-rgb"]), max(test["psnr-rgb"]))
        rate, psnr = bd_metrics(test, anchor, "psnr-rgb", args.method)
        ssim_rate, _ = bd_metrics(test, anchor, "ms-ssim-db", args.method)
        print(f"| {anchor_name} | {rate:+.1f}% | {psnr:+.2f} dB | {ssim_rate:+.1f}% | {low:.1f}–{high:.1f} dB |")
    if partial:
        print(f"\nEach BD-rate compares the curves over their common PSNR range only (last column); "
              f"where that is narrower than {name}'s own range, the rest of the curve is not compared.")


if __name__ == "__main__":
    main()
