#!/usr/bin/env python3
"""Entropy-coder throughput of CompressAI's rANS coder (C++, called from Python) on the same
kind of latent-like data as `aeic bench entropy`, next to aeic's figure from the same run.

    pip install compressai
    python3 scripts/peer_entropy.py --aeic .build/release/aeic

Data, as in aeic: 192 channels of discretised Laplace symbols, scales log-uniform in
0.05…8, 16,384 symbols a channel, each channel's table quantised to 16 bits with an escape.
"""
import argparse
import json
import subprocess

import numpy as np
import torch
from compressai._CXX import pmf_to_quantized_cdf
from compressai.ans import RansDecoder, RansEncoder

from timing import median_seconds

CHANNELS, PER_CHANNEL = 192, 16384


def scale(c):
    return 0.05 * 160 ** (c / (CHANNELS - 1))


def table(s):
    r = max(2, int(s * 12))
    k = np.arange(-r, r + 1, dtype=np.float64)
    cdf = lambda x: np.where(x < 0, 0.5 * np.exp(x / s), 1 - 0.5 * np.exp(-x / s))
    pmf = cdf(k + 0.5) - cdf(k - 0.5)
    tail = max(0.0, 1 - pmf.sum())
    return pmf_to_quantized_cdf(pmf.tolist() + [tail], 16), -r



def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aeic", default=".build/release/aeic")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(9)
    tables = [table(scale(c)) for c in range(CHANNELS)]
    cdfs = [t[0] for t in tables]
    lengths = [len(c) for c in cdfs]
    offsets = [t[1] for t in tables]
    symbols = np.concatenate([np.round(rng.laplace(0, scale(c), PER_CHANNEL)) for c in range(CHANNELS)]).astype(np.int32).tolist()
    indexes = np.repeat(np.arange(CHANNELS), PER_CHANNEL).astype(np.int32).tolist()
    encoded = {}

    def encode():
        encoded["bytes"] = RansEncoder().encode_with_indexes(symbols, indexes, cdfs, lengths, offsets)

    def decode():
        encoded["symbols"] = RansDecoder().decode_with_indexes(encoded["bytes"], indexes, cdfs, lengths, offsets)

    enc = median_seconds(encode, args.repeats)
    dec = median_seconds(decode, args.repeats)
    assert encoded["symbols"] == symbols
    n = len(symbols)
    ours = json.loads(subprocess.run([args.aeic, "bench", "entropy", "--json", "--repeats", str(args.repeats)],
                                     check=True, capture_output=True, text=True).stdout)
    theirs = {"encode_symbols_per_s": n / enc, "decode_symbols_per_s": n / dec}
    print("| coder | encode M symbols/s | decode M symbols/s |")
    print("|---|---:|---:|")
    print(f"| aeic range coder | {ours['encode_symbols_per_s'] / 1e6:.1f} | {ours['decode_symbols_per_s'] / 1e6:.1f} |")
    print(f"| CompressAI rANS (torch {torch.__version__.split('+')[0]}) | {theirs['encode_symbols_per_s'] / 1e6:.1f} | {theirs['decode_symbols_per_s'] / 1e6:.1f} |")
    print(f"| ratio | {ours['encode_symbols_per_s'] / theirs['encode_symbols_per_s']:.2f}× | "
          f"{ours['decode_symbols_per_s'] / theirs['decode_symbols_per_s']:.2f}× |")


if __name__ == "__main__":
    main()
