#!/usr/bin/env python3
"""The README's RD table of one codec: a row per quality from its CompressAI-style JSON.

    python3 scripts/rd_table.py results/aeic.json
"""
import argparse
import json


def table(results):
    rows = ["| quality | bpp | PSNR-RGB (dB) | MS-SSIM | encode (s) | decode (s) |",
            "|---:|---:|---:|---:|---:|---:|"]
    for q, bpp, psnr, msssim, enc, dec in zip(results["quality"], results["bpp"], results["psnr-rgb"],
                                              results["ms-ssim"], results["encoding_time"], results["decoding_time"]):
        rows.append(f"| {q} | {bpp:.3f} | {psnr:.2f} | {msssim:.4f} | {enc:.2f} | {dec:.2f} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json")
    args = parser.parse_args()
    with open(args.json) as f:
        print(table(json.load(f)["results"]))


if __name__ == "__main__":
    main()
