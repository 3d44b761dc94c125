"""The denoising evaluation in one command: aeic's blind denoiser and the classical baselines
on the same noisy images, a Markdown table and a figure of crops.

    .venv/bin/python scripts/denoise_eval.py --data ../shared/datasets/kodak --out results

1. `aeic eval denoise --save-noisy` corrupts every photo with each test case (fixed seeds),
   denoises it and writes results/denoise-aeic.json, keeping the noisy images; again with
   more effort, `--refine N` and with `--ensemble` the self-ensemble, into
   results/denoise-aeic-effort.json (`--refine 0` without `--ensemble`: not run, the column
   left out; `--effort-cases`: only those cases, the others "—");
2. the baselines of `denoise_filters` run on those same noisy images and write
   results/denoise-<method>.json in the same shape (rows are added case by case, so a run
   stopped part-way keeps what it measured; `--baselines none` reuses them);
3. the table (results/denoise-table.md) and the figure (results/denoise-crops.png), which
   `--report-only --noisy DIR` makes again from the JSON and the noisy images kept in DIR.
"""
import argparse
import json
import pathlib
import subprocess
import tempfile
import time

import imagecodecs
import numpy as np

import denoise_filters as filters

FIGURE_CASES = ["gaussian-25", "masking-0.5", "saltpepper-0.3"]


def read(path):
    x = imagecodecs.imread(str(path))
    if x.ndim == 2:
        x = np.stack([x] * 3, axis=2)
    return x[:, :, :3].astype(np.float64) / 255


def means(name, description, rows):
    cases = list(dict.fromkeys(r["noise"] for r in rows))
    pick = lambda c, k: float(np.mean([r[k] for r in rows if r["noise"] == c]))
    return {"name": name, "description": description,
            "results": {"noise": cases, **{k: [pick(c, k) for c in cases] for k in ("psnr", "ssim", "seconds")}},
            "per_image": rows}


def run_baselines(data, noisy_dir, out, cases, only):
    """Each applicable baseline on every noisy image of each case; one JSON per method."""
    store = {}
    for case in cases:
        for method, denoise in filters.methods_for(case).items():
            if only != "all" and method not in only.split(","):
                continue
            path = out / f"denoise-{method}.json"
            if method not in store:
                old = json.loads(path.read_text())["per_image"] if path.exists() else []
                store[method] = old
            rows = [r for r in store[method] if r["noise"] != case]
            for clean_path in sorted(p for p in data.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg")):
                clean = read(clean_path)
                noisy = read(noisy_dir / case / (clean_path.stem + ".png"))
                start = time.perf_counter()
                result = denoise(noisy)
                seconds = time.perf_counter() - start
                rows.append({"noise": case, "image": clean_path.name, "psnr": filters.psnr(clean, result),
                             "ssim": filters.ssim(clean, result), "seconds": seconds})
                print(f"{method} {case} {clean_path.name}: {rows[-1]['psnr']:.2f} dB, {seconds:.1f} s", flush=True)
            store[method] = rows
            report = means(method, f"{method} on {len(rows)} noisy images from {data.name}", rows)
            path.write_text(json.dumps(report, indent=2) + "\n")


def effort(args):
    """The arguments of the effort column's `aeic eval denoise` (none: no column)."""
    return (["--refine", str(args.refine)] if args.refine else []) + (["--ensemble"] if args.ensemble else [])


def column(results, key, case):
    """`results`' value of `key` for `case`, or None if it did not measure that case."""
    return results[key][results["noise"].index(case)] if case in results["noise"] else None


def table(out, flags):
    """Markdown: per case, the noisy input, aeic blind, hinted and with `flags` (PSNR dB, and the
    seconds per image), and the best baseline (PSNR dB / SSIM)."""
    aeic = json.loads((out / "denoise-aeic.json").read_text())["results"]
    refined = json.loads((out / "denoise-aeic-effort.json").read_text())["results"] if flags else None
    baselines = {p.stem[len("denoise-"):]: json.loads(p.read_text())["results"] for p in sorted(out.glob("denoise-*.json"))
                 if not p.stem.startswith("denoise-aeic")}
    refined_title = f"aeic {' '.join(flags)}" if flags else "aeic --refine (not run)"
    lines = [f"| noise | noisy | aeic (blind) | aeic (told the kind) | {refined_title} | best baseline | aeic − best "
             "| aeic s/image | baseline s/image |",
             "|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    for i, case in enumerate(aeic["noise"]):
        hinted = aeic["psnr_hinted"][i]
        found = [(column(r, "psnr", case), column(r, "ssim", case), column(r, "seconds", case), m)
                 for m, r in baselines.items() if case in r["noise"]]
        best = max(found) if found else None
        more = column(refined, "psnr", case) if refined else None
        cell = lambda p, s: f"{p:.2f} / {s:.3f}"
        lines.append("| " + " | ".join([
            case, cell(aeic["psnr_noisy"][i], aeic["ssim_noisy"][i]), cell(aeic["psnr"][i], aeic["ssim"][i]),
            f"{hinted:.2f}" if hinted is not None else "—",
            f"{more:.2f} ({column(refined, 'seconds', case):.1f} s)" if more is not None else "—",
            f"{best[3]} {cell(best[0], best[1])}" if best else "—",
            f"{aeic['psnr'][i] - best[0]:+.2f} dB" if best else "—",
            f"{aeic['seconds'][i]:.2f}", f"{best[2]:.2f}" if best else "—"]) + " |")
    return "\n".join(lines) + "\n"


def figure(aeic_bin, model, data, noisy_dir, out, image, crop):
    """Clean / noisy / aeic / best baseline crops, one row per noise."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    clean_path = next(p for p in sorted(data.iterdir()) if p.stem == image)
    clean = read(clean_path)
    y, x, s = crop
    fig, axes = plt.subplots(len(FIGURE_CASES), 4, figsize=(12, 3.1 * len(FIGURE_CASES)))
    with tempfile.TemporaryDirectory() as tmp:
        for row, case in enumerate(FIGURE_CASES):
            noisy_path = noisy_dir / case / (clean_path.stem + ".png")
            denoised_path = pathlib.Path(tmp) / f"{case}.png"
            subprocess.run([aeic_bin, "denoise", str(noisy_path), "-o", str(denoised_path), "-f"]
                           + (["--model", model] if model else []), check=True)
            noisy, ours = read(noisy_path), read(denoised_path)
            _, method = max((filters.psnr(clean, f(noisy)), m) for m, f in filters.methods_for(case).items())
            theirs = filters.methods_for(case)[method](noisy)
            panels = [("clean", clean, None), (f"noisy ({case})", noisy, filters.psnr(clean, noisy)),
                      ("aeic denoise (blind)", ours, filters.psnr(clean, ours)), (method, theirs, filters.psnr(clean, theirs))]
            for col, (title, img, p) in enumerate(panels):
                ax = axes[row][col]
                ax.imshow(np.clip(img[y:y + s, x:x + s], 0, 1), interpolation="nearest")
                ax.set_title(title + (f"\n{p:.2f} dB (whole image)" if p is not None else "\n"), fontsize=10)
                ax.axis("off")
    fig.tight_layout()
    fig.savefig(out / "denoise-crops.png", dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=pathlib.Path, help="folder of clean test photos")
    parser.add_argument("--aeic", default=".build/release/aeic")
    parser.add_argument("--model", help="denoiser model file (default: the shipped one)")
    parser.add_argument("--out", default="results", type=pathlib.Path)
    parser.add_argument("--noisy", type=pathlib.Path, help="keep the noisy images here (default: a temporary folder)")
    parser.add_argument("--baselines", default="all", help="all, none, or methods separated by commas")
    parser.add_argument("--baselines-only", action="store_true",
                        help="only the baselines, on the noisy images already in --noisy")
    parser.add_argument("--report-only", action="store_true",
                        help="only the table and the figure, from the JSON in --out and the noisy images in --noisy")
    parser.add_argument("--cases", default="gaussian-25,saltpepper-0.1,saltpepper-0.3,saltpepper-0.5,masking-0.3,masking-0.5,masking-0.7,gaussian-15,gaussian-50",
                        help="the baselines' cases, in the order to run them (CBM3D is slow)")
    parser.add_argument("--refine", type=int, default=2, help="the effort column's aeic denoise --refine")
    parser.add_argument("--ensemble", action="store_true", help="the effort column with aeic denoise --ensemble too")
    parser.add_argument("--effort-cases", help="the effort column's cases, separated by commas (default: all)")
    parser.add_argument("--figure-image", default="kodim23")
    parser.add_argument("--figure-crop", default="120,260,200", help="Y,X,SIZE of the crops")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        noisy = args.noisy or pathlib.Path(tmp)
        if args.baselines_only:
            return run_baselines(args.data, noisy, args.out, args.cases.split(","), args.baselines)
        if not args.report_only:
            run_aeic(args, noisy)
        text = table(args.out, effort(args))
        (args.out / "denoise-table.md").write_text(text)
        print(text)
        figure(args.aeic, args.model, args.data, noisy, args.out, args.figure_image,
               [int(v) for v in args.figure_crop.split(",")])


def run_aeic(args, noisy):
    """aeic's evaluation, blind and with more effort, then the baselines on the same noisy images."""
    model = ["--model", args.model] if args.model else []
    subprocess.run([args.aeic, "eval", "denoise", "--data", str(args.data), "--json", str(args.out / "denoise-aeic.json"),
                    "--save-noisy", str(noisy), "-f"] + model, check=True)
    if effort(args):
        subprocess.run([args.aeic, "eval", "denoise", "--data", str(args.data), "--json",
                        str(args.out / "denoise-aeic-effort.json"), "-f"] + effort(args) + model
                       + (["--cases", args.effort_cases] if args.effort_cases else []), check=True)
    if args.baselines != "none":
        run_baselines(args.data, noisy, args.out, args.cases.split(","), args.baselines)


if __name__ == "__main__":
    main()
