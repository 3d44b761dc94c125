"""Unit tests of the RD scripts: python3 -m unittest discover -s scripts -p 'test_*.py'."""
import pathlib
import unittest

import bd_rate
import precision_curves
import rd
import rd_table

ROOT = pathlib.Path(__file__).resolve().parent.parent


class BDRateTests(unittest.TestCase):
    anchor = {"bpp": [0.25, 0.5, 0.75, 1.0], "psnr-rgb": [28.0, 31.0, 33.0, 34.5]}

    def test_ten_percent_fewer_bits_everywhere(self):
        """A curve at 0.9× the anchor's rates for the same PSNR saves exactly 10%."""
        test = {"bpp": [0.9 * b for b in self.anchor["bpp"]], "psnr-rgb": self.anchor["psnr-rgb"]}
        rate, psnr = bd_rate.bd_metrics(test, self.anchor)
        self.assertAlmostEqual(rate, -10.0, places=6)
        self.assertGreater(psnr, 0)

    def test_identical_curves(self):
        rate, psnr = bd_rate.bd_metrics(self.anchor, self.anchor)
        self.assertAlmostEqual(rate, 0.0, places=9)
        self.assertAlmostEqual(psnr, 0.0, places=9)


class TableTests(unittest.TestCase):
    def test_one_row_per_quality(self):
        results = {"quality": [1, 50], "bpp": [0.1234, 1.0], "psnr-rgb": [25.0, 32.456],
                   "ms-ssim": [0.9, 0.98], "encoding_time": [0.3, 0.31], "decoding_time": [0.2, 0.21]}
        lines = rd_table.table(results).splitlines()
        self.assertEqual(len(lines), 4)
        self.assertEqual(lines[2], "| 1 | 0.123 | 25.00 | 0.9000 | 0.30 | 0.20 |")


class MetricTests(unittest.TestCase):
    def test_ms_ssim_matches_pytorch_msssim(self):
        """pytorch_msssim 1.0 gives 0.93557087 for this pair (float64)."""
        a = rd.load(ROOT / "samples/coffee.png")
        b = rd.load(ROOT / "fixtures/coffee-q20.jpg")
        self.assertAlmostEqual(rd.ms_ssim(a, b), 0.93557087, delta=1e-4)
        self.assertAlmostEqual(rd.psnr(a, b), 28.049369, delta=1e-4)


class TrainingLogTests(unittest.TestCase):
    def test_progress_lines_parse(self):
        """The progress line `aeic train codec` prints, and nothing from its other lines."""
        log = ("aeic: step 38580  loss 2.1072  bpp 0.892  psnr 28.61 dB  lr 1.0e-04  13.70 img/s\n"
               "aeic: step 39059: checkpoint written to runs/hyper/codec.ckpt\n")
        self.assertEqual(precision_curves.parse_log(log), [(38580, 2.1072, 0.892, 28.61, 13.70)])


if __name__ == "__main__":
    unittest.main()


class DenoiseFilterTests(unittest.TestCase):
    def setUp(self):
        import numpy as np
        self.np = np
        rng = np.random.default_rng(3)
        smooth = np.linspace(0.2, 0.8, 40)
        self.clean = np.round(np.stack([np.add.outer(smooth, smooth) / 2] * 3, axis=2) * 255) / 255
        self.pixels = rng.random(self.clean.shape[:2])

    def test_psnr_and_ssim_of_identical_images(self):
        import denoise_filters as f
        self.assertEqual(f.ssim(self.clean, self.clean), 1.0)
        noisy = self.clean + 1 / 255
        self.assertAlmostEqual(f.psnr(self.clean, noisy), 20 * self.np.log10(255), places=6)

    def test_adaptive_median_restores_sparse_salt_and_pepper(self):
        import denoise_filters as f
        noisy = self.clean.copy()
        noisy[self.pixels < 0.05] = 1.0
        noisy[(self.pixels >= 0.05) & (self.pixels < 0.1)] = 0.0
        restored = f.adaptive_median(noisy)
        self.assertGreater(f.psnr(self.clean, restored), f.psnr(self.clean, noisy) + 15)
        untouched = self.pixels >= 0.1
        self.assertTrue((restored[untouched] == noisy[untouched]).all())

    def test_normalised_convolution_fills_only_masked_pixels(self):
        import denoise_filters as f
        noisy = self.clean.copy()
        noisy[self.pixels < 0.5] = 0.0
        filled = f.normalised_convolution(noisy)
        self.assertGreater(f.psnr(self.clean, filled), 35)
        kept = self.pixels >= 0.5
        self.assertTrue((filled[kept] == noisy[kept]).all())

    def test_methods_for_each_case(self):
        import denoise_filters as f
        self.assertEqual(list(f.methods_for("gaussian-25")), ["cbm3d"])
        self.assertEqual(list(f.methods_for("saltpepper-0.3")), ["median3", "median5", "adaptive-median"])
        self.assertEqual(list(f.methods_for("masking-0.5")), ["normalised-convolution"])
        self.assertEqual(f.methods_for("clean"), {})
