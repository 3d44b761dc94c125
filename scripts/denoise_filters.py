"""The classical denoisers the evaluation compares against, and its metrics, on float RGB
arrays (H, W, 3) in [0, 1]:
- CBM3D (Dabov et al. 2007, PyPI `bm3d`) for Gaussian noise, given the true sigma;
- 3x3 and 5x5 median filters and an adaptive median filter (Hwang & Haddad 1995) for
  salt-and-pepper noise;
- normalised convolution (Knutsson & Westin 1993) for masking: a Gaussian-weighted mean of
  the pixels that were not masked, at the masked pixels only.
"""
import numpy as np
from scipy import ndimage


def median(noisy, size):
    return ndimage.median_filter(noisy, size=(size, size, 1), mode="reflect")


def impulses(noisy):
    """Pixels salt-and-pepper may have set: black or white in every channel."""
    return np.all(noisy == 0, axis=2) | np.all(noisy == 1, axis=2)


def adaptive_median(noisy, max_size=7):
    """Each impulse pixel takes the median of the non-impulse pixels in the smallest window
    (3, 5, ..., max_size) that has any; the other pixels are kept."""
    out = noisy.copy()
    todo = impulses(noisy)
    known = ~todo
    for size in range(3, max_size + 1, 2):
        if not todo.any():
            break
        pad = size // 2
        padded = np.pad(noisy, ((pad, pad), (pad, pad), (0, 0)), mode="reflect")
        mask = np.pad(known, pad, mode="reflect")
        ys, xs = np.nonzero(todo)
        windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size), axis=(0, 1))[ys, xs]
        valid = np.lib.stride_tricks.sliding_window_view(mask, (size, size))[ys, xs]
        values = np.where(valid[:, None], windows, np.nan).reshape(len(ys), 3, -1)
        has = valid.reshape(len(ys), -1).any(axis=1)
        filled = np.nanmedian(values[has], axis=2) if has.any() else None
        if filled is not None:
            out[ys[has], xs[has]] = filled
            todo[ys[has], xs[has]] = False
    out[todo] = median(noisy, 3)[todo]
    return out


def normalised_convolution(noisy, sigma=1.0):
    """Masked (black) pixels become the Gaussian-weighted mean of their unmasked neighbours;
    where none is near, sigma doubles until one is."""
    known = ~np.all(noisy == 0, axis=2)
    out = noisy.copy()
    todo = ~known
    while todo.any() and sigma <= 64:
        weight = ndimage.gaussian_filter(known.astype(np.float64), sigma, mode="reflect")
        ok = todo & (weight > 1e-3)
        for c in range(3):
            total = ndimage.gaussian_filter(noisy[:, :, c] * known, sigma, mode="reflect")
            out[:, :, c][ok] = (total / np.maximum(weight, 1e-12))[ok]
        todo &= ~ok
        sigma *= 2
    return out


def cbm3d(noisy, sigma255):
    import bm3d
    return np.clip(bm3d.bm3d_rgb(noisy, sigma255 / 255), 0, 1)


def to8bit(x):
    return np.round(np.clip(x, 0, 1) * 255) / 255


def psnr(clean, x):
    return float(10 * np.log10(1 / np.mean((to8bit(x).astype(np.float64) - clean) ** 2)))


GAUSS = np.exp(-((np.arange(11) - 5) ** 2) / (2 * 1.5 ** 2))
GAUSS /= GAUSS.sum()


def _filter_valid(p):
    rows = sum(GAUSS[k] * p[:, k:p.shape[1] - 10 + k] for k in range(11))
    return sum(GAUSS[k] * rows[k:p.shape[0] - 10 + k, :] for k in range(11))


def ssim(clean, x):
    """Mean SSIM over channels: 11-tap Gaussian window (sigma 1.5) without padding, data
    range 1, as `Metrics.ssim` in Swift computes it."""
    x = to8bit(x).astype(np.float64)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    values = []
    for c in range(clean.shape[2]):
        a, b = clean[:, :, c].astype(np.float64), x[:, :, c]
        ma, mb = _filter_valid(a), _filter_valid(b)
        va, vb = _filter_valid(a * a) - ma * ma, _filter_valid(b * b) - mb * mb
        cov = _filter_valid(a * b) - ma * mb
        s = (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
        values.append(s.mean())
    return float(np.mean(values))


def methods_for(case):
    """The baselines that apply to a case such as 'gaussian-25': name -> function(noisy)."""
    kind, _, level = case.partition("-")
    if kind == "gaussian":
        return {"cbm3d": lambda n: cbm3d(n, float(level))}
    if kind == "saltpepper":
        return {"median3": lambda n: median(n, 3), "median5": lambda n: median(n, 5),
                "adaptive-median": adaptive_median}
    if kind == "masking":
        return {"normalised-convolution": normalised_convolution}
    return {}
