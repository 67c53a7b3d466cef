"""B1: a detailed 24-megapixel photograph to the display (1600 px) and thumbnail (400 px) renditions, against the
strongest code a Django developer would write instead.

The photograph is made here: light and texture at several scales (from
broad gradients to one-pixel sensor grain), hard-edged shapes and thin lines,
text from 9 to 160 px, saved as a camera does (JPEG quality 92) with EXIF
orientation 6, so every variant must turn it upright. Four variants make the
same four files (thumbnail and display, WebP and JPEG):

- `voices`: the worker's own step, `submissions.media.images.render_image`;
- `plain`: what one writes first with Pillow: per size, `open → exif_transpose
  → thumbnail`, saved with the same quality settings;
- `stock_pillow`: stock Pillow done well: `draft()` so libjpeg decodes at a
  reduced scale, Lanczos, the thumbnail made from the display image;
- `pyvips`: libvips' `thumbnail` (shrink-on-load, orientation), the thumbnail
  from the display image in memory, metadata stripped.

Each variant runs in a fresh process, all variants once per round, the order
turned each round since the machine is shared; each first renders a small
photo, as a worker has rendered others before (codecs and Pillow's plug-ins
load on first use, once per worker, not per photo). Measured inside the child
around the work alone: CPU time (all its threads), wall time and the peak
memory the work added (the process's peak is reset once the libraries are
imported, so Django's and libvips' own imports count for nobody; the
absolute peak is reported beside it). Quality: SSIM of every file against a
lossless reference of the same size (the whole original decoded, turned
upright and resized with Lanczos, never encoded), by scikit-image.

Targets: Voices ≥ 3× faster (CPU) than `plain`; no slower than the faster of
`stock_pillow` and `pyvips` (ratio ≥ 1.0, median of rounds); its work's peak
memory ≤ the smaller of theirs + 10 MB; for each file, SSIM ≥ the best of the
two − 0.005; and the four files together no more bytes than either's four + 5 %
(each file's bytes are reported beside its SSIM).
"""

import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from benchmarks import common
from submissions.enums import Spec

ROOT = common.ROOT
SIZE = (6000, 4000)  # as stored; orientation 6 shows it 4000 × 6000
QUICK_SIZE = (2400, 1600)
ROUNDS = int(__import__("os").environ.get("B1_ROUNDS", "5"))
FILES = (Spec.THUMB_WEBP, Spec.THUMB_JPEG, Spec.DISPLAY_WEBP, Spec.DISPLAY_JPEG)
# The encoder settings every variant uses, so that sizes and quality compare resampling, not quality knobs.
JPEG_QUALITY, WEBP_QUALITY = 85, 80

VOICES = """
import sys
from django.conf import settings
settings.configure()
from submissions.media.images import render_image
source, out, warm, warm_out = sys.argv[1:5]
render_image(warm, warm_out)
started = _start()
render_image(source, out)
_finish(started)
"""

PLAIN = f"""
import sys
from pathlib import Path
from PIL import Image, ImageOps

def work(source, out):
    out.mkdir(parents=True, exist_ok=True)
    for name, side in (("thumb", 400), ("display", 1600)):
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((side, side))
            image.save(out / f"{{name}}.webp", quality={WEBP_QUALITY})
            image.save(out / f"{{name}}.jpg", quality={JPEG_QUALITY})

work(sys.argv[3], Path(sys.argv[4]))
started = _start()
work(sys.argv[1], Path(sys.argv[2]))
_finish(started)
"""

STOCK_PILLOW = f"""
import sys
from pathlib import Path
from PIL import Image, ImageOps

def work(source, out):
    out.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image.draft("RGB", (1600, 1600))
        display = ImageOps.exif_transpose(image)
    display.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((400, 400), Image.Resampling.LANCZOS)
    for name, picture in (("thumb", thumb), ("display", display)):
        picture.save(out / f"{{name}}.webp", quality={WEBP_QUALITY})
        picture.save(out / f"{{name}}.jpg", quality={JPEG_QUALITY})

work(sys.argv[3], Path(sys.argv[4]))
started = _start()
work(sys.argv[1], Path(sys.argv[2]))
_finish(started)
"""

PYVIPS = f"""
import sys
from pathlib import Path
import pyvips

def work(source, out):
    out.mkdir(parents=True, exist_ok=True)
    display = pyvips.Image.thumbnail(source, 1600, size="down").copy_memory()
    thumb = display.thumbnail_image(400, size="down")
    for name, picture in (("thumb", thumb), ("display", display)):
        picture.webpsave(str(out / f"{{name}}.webp"), Q={WEBP_QUALITY}, keep="none")
        picture.jpegsave(str(out / f"{{name}}.jpg"), Q={JPEG_QUALITY}, keep="none")

work(sys.argv[3], Path(sys.argv[4]))
started = _start()
work(sys.argv[1], Path(sys.argv[2]))
_finish(started)
"""

VARIANTS = {"voices": VOICES, "plain": PLAIN, "stock_pillow": STOCK_PILLOW, "pyvips": PYVIPS}
STRONG = ("stock_pillow", "pyvips")


def photo(path: Path, size: tuple[int, int] = SIZE) -> None:
    """A detailed photograph-like JPEG, stored on its side with EXIF orientation 6."""
    width, height = size
    rng = np.random.default_rng(16)
    light = np.zeros((height, width, 3), dtype=np.float32)
    # Texture at several scales: broad light, foliage-sized blotches, fine texture, one-pixel grain.
    for cell, amplitude in ((max(width, height) // 4, 60.0), (160, 28.0), (24, 18.0), (5, 12.0), (1, 7.0)):
        grid = rng.normal(size=(height // cell + 2, width // cell + 2, 3)).astype(np.float32)
        for channel in range(3):
            layer = Image.fromarray(grid[:, :, channel], mode="F")
            if cell > 1:
                layer = layer.resize((width + 2 * cell, height + 2 * cell), Image.Resampling.BICUBIC)
            light[:, :, channel] += amplitude * np.asarray(layer)[:height, :width]
    light += 128.0
    image = Image.fromarray(np.clip(light, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    scale = width / 6000
    # Hard edges: shapes, thin lines and a fine stripe pattern (where a soft filter or aliasing shows).
    for index in range(60):
        x, y = rng.integers(0, width), rng.integers(0, height)
        w, h = rng.integers(40, 600) * scale, rng.integers(40, 600) * scale
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if index % 3 == 0:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
        elif index % 3 == 1:
            draw.ellipse((x, y, x + w, y + h), outline=colour, width=max(1, int(8 * scale)))
        else:
            draw.line((x, y, x + w * 3, y + h), fill=colour, width=int(rng.integers(1, 6)))
    for offset in range(0, int(800 * scale), 6):
        draw.line((int(200 * scale) + offset, int(300 * scale), int(200 * scale) + offset, int(1100 * scale)),
                  fill=(20, 20, 20), width=2)
    # Text, from a caption's size to a headline's.
    line = 0
    for points in (9, 12, 16, 24, 36, 60, 100, 160):
        font = ImageFont.load_default(size=max(6, int(points * scale * 1.5)))
        top = int(1400 * scale) + line
        draw.text((int(1200 * scale), top), "Youth for Humanitarian Disarmament 2026 · Ωμέγα · Жизнь", font=font,
                  fill=(250, 250, 240), stroke_width=1, stroke_fill=(0, 0, 0))
        line += int(points * scale * 2.2) + 4
    exif = Image.Exif()
    exif[0x0110] = "Benchmark camera"
    exif[0x0112] = 6
    image.save(path, "JPEG", quality=92, exif=exif)


def _references(source: Path, sizes: set[tuple[int, int]]) -> dict[tuple[int, int], np.ndarray]:
    """For each size, the lossless reference's luminance: the whole original, upright, resized with Lanczos."""
    with Image.open(source) as opened:
        full = ImageOps.exif_transpose(opened).convert("RGB")
    return {size: common.luma(full.resize(size, Image.Resampling.LANCZOS)) for size in sizes}


def _quality(folder: Path, source: Path, names: list[str]) -> dict[str, dict[str, dict]]:
    """Per variant and file: its size in pixels, its bytes and its SSIM against the lossless reference."""
    files = {name: {spec: folder / f"{name}-0" / spec for spec in FILES} for name in names}
    sizes = {}
    for name in names:
        for spec, path in files[name].items():
            with Image.open(path) as image:
                sizes[(name, spec)] = image.size
    references = _references(source, set(sizes.values()))
    return {
        name: {
            spec: {
                "pixels": "×".join(map(str, sizes[(name, spec)])),
                "bytes": path.stat().st_size,
                "ssim": round(common.ssim(common.luma(path), references[sizes[(name, spec)]]), 4),
            }
            for spec, path in files[name].items()
        }
        for name in names
    }


def _median(values: list[float], places: int = 3) -> float:
    return round(statistics.median(values), places)


def pyvips_available() -> str | None:
    """None when pyvips and its libvips load, else why not."""
    try:
        import pyvips

        pyvips.Image.black(2, 2)
    except (ImportError, OSError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def run(*, quick: bool = False) -> dict:
    load_before = common.load()
    missing_vips = pyvips_available()
    names = [name for name in VARIANTS if name != "pyvips" or missing_vips is None]
    strong = [name for name in STRONG if name in names]
    rounds = 1 if quick else ROUNDS
    bench_root = ROOT / "var" / "bench"
    bench_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=bench_root) as folder:
        folder = Path(folder)
        source = folder / "photo.jpg"
        photo(source, QUICK_SIZE if quick else SIZE)
        # Each child first makes the renditions of a small photo, as a worker has before its next job:
        # libraries load codecs and plug-ins on first use, a cost a long-running worker pays once.
        warm = folder / "warm.jpg"
        photo(warm, (480, 320))
        source_mb = source.stat().st_size / 2**20
        measured: dict[str, list[dict]] = {name: [] for name in names}
        for round_number in range(rounds):
            order = names[round_number % len(names):] + names[: round_number % len(names)]
            if round_number % 2:
                order.reverse()
            for name in order:
                out = folder / f"{name}-{round_number}"
                warm_out = folder / f"warm-{name}-{round_number}"
                measured[name].append(common.child(VARIANTS[name], str(source), str(out), str(warm), str(warm_out)))
        quality = _quality(folder, source, names)
    figures = {
        name: {
            "cpu_seconds_median": _median([m["cpu_seconds"] for m in runs]),
            "wall_seconds_median": _median([m["wall_seconds"] for m in runs]),
            "work_peak_rss_mb_median": _median([m["work_rss_mb"] for m in runs], 1),
            "process_peak_rss_mb_median": _median([m["peak_rss_mb"] for m in runs], 1),
            "bytes_total": sum(f["bytes"] for f in quality[name].values()),
            "files": quality[name],
        }
        for name, runs in measured.items()
    }
    voices = measured["voices"]
    vs_plain = [p["cpu_seconds"] / v["cpu_seconds"] for p, v in zip(measured["plain"], voices, strict=True)]
    vs_strong = [
        min(measured[name][i]["cpu_seconds"] for name in strong) / v["cpu_seconds"] for i, v in enumerate(voices)
    ]
    vs_strong_wall = [
        min(measured[name][i]["wall_seconds"] for name in strong) / v["wall_seconds"] for i, v in enumerate(voices)
    ]
    smallest_memory = min(figures[name]["work_peak_rss_mb_median"] for name in strong)
    files = {}
    for spec in FILES:
        best = max(strong, key=lambda name: quality[name][spec]["ssim"])
        ours = quality["voices"][spec]
        files[spec] = {
            "best_baseline": best,
            "ssim_voices": ours["ssim"],
            "ssim_best": quality[best][spec]["ssim"],
            "bytes_voices": ours["bytes"],
            "bytes_best": quality[best][spec]["bytes"],
            "bytes_ratio": round(ours["bytes"] / quality[best][spec]["bytes"], 3),
            "met": ours["ssim"] >= quality[best][spec]["ssim"] - 0.005,
        }
    bytes_ratio = {name: round(figures["voices"]["bytes_total"] / figures[name]["bytes_total"], 3) for name in strong}
    result = {
        "source": f"{'×'.join(map(str, QUICK_SIZE if quick else SIZE))} JPEG q92, EXIF orientation 6, "
                  f"{source_mb:.1f} MiB",
        "rounds": rounds,
        "pyvips": "measured" if missing_vips is None else f"not measured: {missing_vips}",
        "variants": figures,
        "speedup_cpu_vs_plain_median": _median(vs_plain, 2),
        "speedup_cpu_vs_plain_spread": [round(min(vs_plain), 2), round(max(vs_plain), 2)],
        "speed_ratio_cpu_vs_fastest_strong_median": _median(vs_strong, 3),
        "speed_ratio_cpu_vs_fastest_strong_spread": [round(min(vs_strong), 3), round(max(vs_strong), 3)],
        "speed_ratio_wall_vs_fastest_strong_median": _median(vs_strong_wall, 3),
        "work_peak_rss_mb_voices": figures["voices"]["work_peak_rss_mb_median"],
        "work_peak_rss_mb_smallest_strong": smallest_memory,
        "quality_per_file": files,
        "bytes_total_ratio_vs_strong": bytes_ratio,
        "targets": {
            "speedup_cpu_vs_plain": ">= 3",
            "speed_ratio_cpu_vs_fastest_strong": ">= 1.0 (median of rounds)",
            "work_peak_rss_mb": f"<= smallest of {', '.join(strong)} + 10",
            "ssim_per_file": ">= best of the strong baselines - 0.005",
            "bytes_total": "<= each strong baseline's * 1.05",
        },
        "load_average_before_after": [load_before, common.load()],
    }
    result["checks"] = {
        "speedup_vs_plain": result["speedup_cpu_vs_plain_median"] >= 3,
        "no_slower_than_strong": result["speed_ratio_cpu_vs_fastest_strong_median"] >= 1.0,
        "memory": figures["voices"]["work_peak_rss_mb_median"] <= smallest_memory + 10,
        "quality": all(f["met"] for f in files.values()),
        "bytes": all(ratio <= 1.05 for ratio in bytes_ratio.values()),
        "pyvips_measured": missing_vips is None,
    }
    result["met"] = all(result["checks"].values())
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
