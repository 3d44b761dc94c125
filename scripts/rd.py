"""Shared helpers of the RD scripts: image loading, metrics, CompressAI-style JSON.

MS-SSIM follows Wang et al. 2003 as pytorch_msssim implements it (and `aeic eval` does):
an 11-tap Gaussian window (sigma 1.5) without padding, five scales with the standard
weights, 2x2 average pooling, negative terms clipped, the mean over channels.
"""
import json
import pathlib

import imagecodecs
import numpy as np

WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])


def load(path):
    """An image file as float64 RGB in [0, 1], H×W×3."""
    data = pathlib.Path(path).read_bytes()
    image = imagecodecs.imread(data)
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    return image[..., :3].astype(np.float64) / 255.0


def psnr(a, b):
    mse = np.mean((np.round(a * 255) - np.round(b * 255)) ** 2) / 255.0**2
    return float("inf") if mse == 0 else float(10 * np.log10(1 / mse))


def _gaussian():
    g = np.exp(-((np.arange(11) - 5) ** 2) / (2 * 1.5**2))
    return g / g.sum()


def _filter(x):
    g = _gaussian()
    rows = sum(g[k] * x[:, k:x.shape[1] - 10 + k] for k in range(11))
    return sum(g[k] * rows[k:rows.shape[0] - 10 + k, :] for k in range(11))


def _pool(x):
    ph, pw = x.shape[0] % 2, x.shape[1] % 2
    x = np.pad(x, ((ph, ph), (pw, pw)))
    h, w = (x.shape[0] - 2) // 2 + 1, (x.shape[1] - 2) // 2 + 1
    return x[0:2 * h:2, 0:2 * w:2] / 4 + x[1:2 * h:2, 0:2 * w:2] / 4 + x[0:2 * h:2, 1:2 * w:2] / 4 + x[1:2 * h:2, 1:2 * w:2] / 4


def ms_ssim(a, b):
    c1, c2 = 0.01**2, 0.03**2
    values = []
    for c in range(a.shape[2]):
        x, y = a[..., c], b[..., c]
        value = 1.0
        for level, weight in enumerate(WEIGHTS):
            mx, my = _filter(x), _filter(y)
            vx, vy, cov = _filter(x * x) - mx * mx, _filter(y * y) - my * my, _filter(x * y) - mx * my
            cs = (2 * cov + c2) / (vx + vy + c2)
            term = cs.mean() if level < len(WEIGHTS) - 1 else ((2 * mx * my + c1) / (mx * mx + my * my + c1) * cs).mean()
            value *= max(term, 0) ** weight
            x, y = _pool(x), _pool(y)
        values.append(value)
    return float(np.mean(values))


def ms_ssim_db(value):
    return float(-10 * np.log10(max(1 - value, 1e-12)))


def read_results(path):
    """(name, results) from a CompressAI-style JSON file."""
    data = json.loads(pathlib.Path(path).read_text())
    return data.get("name", pathlib.Path(path).stem), data["results"]
