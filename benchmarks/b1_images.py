"""B1: a 24-megapixel JPEG to the display (1600 px) and thumbnail (400 px) renditions, ours against naive Pillow.

The baseline is what one writes first: per size, `open → exif_transpose →
thumbnail`, saved as WebP and JPEG with Pillow's defaults. Each side runs in a
fresh child process, so its peak RSS (VmHWM: unlike `ru_maxrss`, it does
not inherit the forking parent's peak) is its own; the time is
measured inside the child around the work alone, a few rounds alternating
which goes first, since the machine is shared. Targets: ours ≥ 3× faster, its
peak RSS ≤ 100 MB, and SSIM ≥ 0.98 against the baseline's output (luminance,
7×7 windows as scikit-image's default, computed here with numpy).
"""

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SIZE = (6000, 4000)
ROUNDS = 5
SPECS = ("thumb.webp", "thumb.jpg", "display.webp", "display.jpg")

OURS = """
import json, re, sys, time
from pathlib import Path
from django.conf import settings
settings.configure()
from submissions.media.images import render_image
source, out = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
render_image(source, out)
elapsed = time.perf_counter() - started
peak = int(re.search(r"^VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))
print(json.dumps({"seconds": elapsed, "peak_rss_kb": peak}))
"""

BASELINE = """
import json, re, sys, time
from pathlib import Path
from PIL import Image, ImageOps
source, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
started = time.perf_counter()
for name, side in (("thumb", 400), ("display", 1600)):
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((side, side))
        image.save(out / f"{name}.webp")
        image.save(out / f"{name}.jpg")
elapsed = time.perf_counter() - started
peak = int(re.search(r"^VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))
print(json.dumps({"seconds": elapsed, "peak_rss_kb": peak}))
"""


def _photo(path: Path) -> None:
    """A 24-megapixel photo-like JPEG: smooth light, hard edges and fine grain, as a camera writes it."""
    small = Image.linear_gradient("L").resize((600, 400))
    turned = small.rotate(90).resize((600, 400))
    light = Image.merge("RGB", (small, small.transpose(Image.Transpose.ROTATE_180), turned))
    draw = ImageDraw.Draw(light)
    for index in range(40):
        x, y = (index * 137) % 600, (index * 89) % 400
        draw.ellipse((x, y, x + 30 + index, y + 20 + index), fill=((index * 53) % 256, (index * 97) % 256, 120))
    image = light.resize(SIZE, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise(SIZE, 24).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    exif = Image.Exif()
    exif[0x0110] = "Benchmark camera"
    image.save(path, "JPEG", quality=92, exif=exif)


def _child(code: str, source: Path, out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, str(source), str(out)], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _luma(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.float64)


def _window_mean(values: np.ndarray, size: int = 7) -> np.ndarray:
    """The mean over every full size×size window, from an integral image."""
    total = np.pad(values, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    window = total[size:, size:] - total[:-size, size:] - total[size:, :-size] + total[:-size, :-size]
    return window / (size * size)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    n = 49
    mean_a, mean_b = _window_mean(a), _window_mean(b)
    # Sample (co)variances, as scikit-image computes them.
    var_a = (_window_mean(a * a) - mean_a**2) * n / (n - 1)
    var_b = (_window_mean(b * b) - mean_b**2) * n / (n - 1)
    cov = (_window_mean(a * b) - mean_a * mean_b) * n / (n - 1)
    index = ((2 * mean_a * mean_b + c1) * (2 * cov + c2)) / ((mean_a**2 + mean_b**2 + c1) * (var_a + var_b + c2))
    return float(index.mean())


def run() -> dict:
    bench_root = ROOT / "var" / "bench"
    bench_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=bench_root) as folder:
        folder = Path(folder)
        source = folder / "photo.jpg"
        _photo(source)
        source_mb = source.stat().st_size / 2**20
        ours, baseline = [], []
        for round_number in range(ROUNDS):
            order = [("ours", OURS, ours), ("baseline", BASELINE, baseline)]
            for name, code, results in order if round_number % 2 else reversed(order):
                results.append(_child(code, source, folder / f"{name}-{round_number}"))
        similarity = {}
        for spec in SPECS:
            a, b = _luma(folder / "ours-0" / spec), _luma(folder / "baseline-0" / spec)
            if a.shape != b.shape:
                similarity[spec] = 0.0
                continue
            similarity[spec] = round(ssim(a, b), 4)
    ratios = [b["seconds"] / o["seconds"] for o, b in zip(ours, baseline, strict=True)]
    peak_mb = max(o["peak_rss_kb"] for o in ours) / 1024
    result = {
        "source": f"{SIZE[0]}×{SIZE[1]} JPEG, {source_mb:.1f} MiB",
        "ours_seconds_median": round(statistics.median(o["seconds"] for o in ours), 3),
        "baseline_seconds_median": round(statistics.median(b["seconds"] for b in baseline), 3),
        "speedup_median": round(statistics.median(ratios), 2),
        "speedup_min": round(min(ratios), 2),
        "speedup_max": round(max(ratios), 2),
        "speedup_target": ">= 3",
        "ours_peak_rss_mb": round(peak_mb, 1),
        "baseline_peak_rss_mb": round(max(b["peak_rss_kb"] for b in baseline) / 1024, 1),
        "rss_target": "<= 100",
        "ssim": similarity,
        "ssim_min": min(similarity.values()),
        "ssim_target": ">= 0.98",
        "rounds": ROUNDS,
    }
    result["met"] = result["speedup_median"] >= 3 and peak_mb <= 100 and result["ssim_min"] >= 0.98
    return result
