"""Small works for the demo's past editions, made at seed time: Pillow-drawn pictures and ffmpeg test clips."""

import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# (sky, field, accent) for each of the three themes, so the demo's pictures tell the themes apart at a glance.
PALETTES = [
    ((38, 84, 124), (94, 140, 64), (242, 201, 76)),
    ((120, 40, 60), (60, 60, 90), (250, 250, 250)),
    ((20, 20, 40), (150, 110, 70), (230, 90, 60)),
]
FFMPEG_SECONDS = 60


def ffmpeg() -> str | None:
    return shutil.which("ffmpeg")


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_picture(path: Path, *, title: str, theme: str, palette: int, size: tuple[int, int], poster: bool) -> Path:
    """A landscape (a photograph) or a poster (an artwork) with the work's title and theme written on it."""
    sky, field, accent = PALETTES[palette % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    horizon = height * 3 // 5
    for row in range(horizon):  # a sky that lightens towards the horizon
        mix = row / horizon
        draw.line([(0, row), (width, row)], fill=tuple(int(c + (255 - c) * mix * 0.5) for c in sky))
    draw.rectangle([0, horizon, width, height], fill=field)
    for furrow in range(horizon + 40, height, 60):
        draw.line([(0, furrow), (width, furrow + 30)], fill=tuple(max(c - 25, 0) for c in field), width=6)
    if poster:
        # A warning sign: the bomblet shape in a crossed-out circle.
        cx, cy, r = width // 2, height // 2 - 60, min(width, height) // 4
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(250, 250, 250), outline=accent, width=30)
        draw.ellipse([cx - r // 3, cy - r // 2, cx + r // 3, cy + r // 2], fill=(60, 60, 60))
        draw.line([(cx - r * 7 // 10, cy - r * 7 // 10), (cx + r * 7 // 10, cy + r * 7 // 10)], fill=accent, width=30)
    else:
        sun = min(width, height) // 8
        draw.ellipse([width - 3 * sun, sun, width - sun, 3 * sun], fill=accent)
        for step in range(5):  # young plants where the field was cleared
            x = width // 6 + step * width // 7
            draw.line([(x, height - 80), (x, horizon + 60)], fill=(40, 90, 30), width=10)
            draw.ellipse([x - 40, horizon + 30, x + 40, horizon + 90], fill=(70, 150, 60))
    draw.rectangle([0, height - 200, width, height], fill=(0, 0, 0))
    draw.text((60, height - 180), title, font=_font(72), fill=(255, 255, 255))
    draw.text((60, height - 90), theme, font=_font(40), fill=accent)
    if poster:
        image.save(path, format="PNG", optimize=True)
    else:
        image.save(path, format="JPEG", quality=85)
    return path


def _run_ffmpeg(binary: str, args: list[str], path: Path) -> Path:
    subprocess.run(
        [binary, "-hide_banner", "-loglevel", "error", "-y", *args, str(path)],
        check=True, capture_output=True, timeout=FFMPEG_SECONDS,
    )
    return path


def make_video(path: Path, *, binary: str, seconds: int = 5) -> Path:
    """A few seconds of ffmpeg's test pattern with a tone, as H.264 and AAC in MP4."""
    return _run_ffmpeg(binary, [
        "-f", "lavfi", "-i", f"testsrc=size=640x360:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        "-movflags", "+faststart",
    ], path)


def make_audio(path: Path, *, binary: str, seconds: int = 6) -> Path:
    """A few seconds of two tones, as AAC in M4A."""
    return _run_ffmpeg(binary, [
        "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=495:duration={seconds}",
        "-filter_complex", "amix=inputs=2", "-c:a", "aac", "-b:a", "96k",
    ], path)
