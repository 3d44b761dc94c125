#!/usr/bin/env python3
"""RD points of classical codecs on a folder of images, as CompressAI-style JSON files:
JPEG (libjpeg-turbo, 4:2:0, optimised Huffman), WebP (method 6), JPEG 2000 (OpenJPEG),
AVIF (libavif/aom) and JPEG XL (libjxl), all through imagecodecs.

    python3 scripts/baselines.py --data ../shared/datasets/kodak --out results/
"""
import argparse
import pathlib
import time

import imagecodecs
import numpy as np

import rd

# Each codec: (encode(image_uint8, level) -> bytes, the sweep of levels, a description).
CODECS = {
    "jpeg": (lambda im, q: imagecodecs.jpeg8_encode(im, level=q, subsampling="420", optimize=True),
             [5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95],
             "libjpeg-turbo {v}, 4:2:0, optimised Huffman, quality"),
    "webp": (lambda im, q: imagecodecs.webp_encode(im, level=q, lossless=False, method=6),
             [2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95],
             "libwebp {v}, method 6, quality"),
    "jpeg2000": (lambda im, q: imagecodecs.jpeg2k_encode(im, level=q, codecformat="j2k"),
                 [24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44],
                 "OpenJPEG {v}, target PSNR (dB)"),
    "avif": (lambda im, q: imagecodecs.avif_encode(im, level=q, speed=6),
             [10, 20, 30, 40, 50, 60, 70, 80, 90],
             "libavif {v}, speed 6, quality"),
    "jpegxl": (lambda im, q: imagecodecs.jpegxl_encode(im, level=q, effort=7),
               [10, 20, 30, 40, 50, 60, 70, 80, 90, 95],
               "libjxl {v}, effort 7, quality"),
}

VERSIONS = {"jpeg": "libjpeg_turbo", "webp": "libwebp", "jpeg2000": "openjpeg", "avif": "libavif", "jpegxl": "libjxl"}


def library_version(codec):
    for part in imagecodecs.version().split(", "):
        if part.startswith(VERSIONS[codec] + "-"):
            return part.split("-", 1)[1]
    return "?"


def evaluate(codec, images):
    encode, levels, description = CODECS[codec]
    results = {key: [] for key in ("quality", "bpp", "psnr-rgb", "ms-ssim", "ms-ssim-db", "encoding_time", "decoding_time")}
    for level in levels:
        rows = []
        for image in images:
            pixels = (np.round(image * 255)).astype(np.uint8)
            start = time.perf_counter()
            data = encode(pixels, level)
            middle = time.perf_counter()
            decoded = imagecodecs.imread(bytes(data))[..., :3].astype(np.float64) / 255.0
            end = time.perf_counter()
            rows.append((len(data) * 8 / (image.shape[0] * image.shape[1]), rd.psnr(image, decoded),
                         rd.ms_ssim(image, decoded), middle - start, end - middle))
        mean = np.mean(rows, axis=0)
        results["quality"].append(level)
        for key, value in zip(("bpp", "psnr-rgb", "ms-ssim", "encoding_time", "decoding_time"), mean):
            results[key].append(float(value))
        results["ms-ssim-db"].append(rd.ms_ssim_db(mean[2]))
        print(f"{codec} {level}: {mean[0]:.3f} bpp, {mean[1]:.2f} dB", flush=True)
    return {"name": codec.upper() if codec != "jpeg2000" else "JPEG 2000",
            "description": description.format(v=library_version(codec)) + f" {levels}, {len(images)} images",
            "results": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of PNG test images")
    parser.add_argument("--out", required=True, help="folder for <codec>.json")
    parser.add_argument("--codecs", nargs="+", default=list(CODECS), choices=list(CODECS))
    args = parser.parse_args()
    paths = sorted(p for p in pathlib.Path(args.data).iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    images = [rd.load(p) for p in paths]
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import json
    for codec in args.codecs:
        (out / f"{codec}.json").write_text(json.dumps(evaluate(codec, images), indent=2) + "\n")


if __name__ == "__main__":
    main()
