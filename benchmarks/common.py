"""What every benchmark shares: the machine's state, the libraries' versions, image quality (SSIM) and child processes.

SSIM is computed with scikit-image on luminance (ITU-R 601 luma, as Pillow's
"L" and as the Y plane ffmpeg's `ssim` filter reads first), with its default
7×7 uniform windows and a data range of 255; video quality is measured by
ffmpeg's own `ssim` filter.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

# Put at the top of a child process's code: its peak memory counts from the moment the work starts.
MEMORY_PROBE = r'''
import re as _re, time as _time
from pathlib import Path as _Path

def _status(field):
    return int(_re.search(rf"^{field}:\s+(\d+) kB", _Path("/proc/self/status").read_text(), _re.M).group(1))

def _start():
    # Writing 5 to clear_refs resets the peak (VmHWM) to what is resident now (Linux ≥ 4.0), so the
    # libraries each side imports are not counted as the work's memory.
    _Path("/proc/self/clear_refs").write_text("5")
    return {"rss_kb": _status("VmRSS"), "cpu": _time.process_time(), "wall": _time.perf_counter()}

def _finish(started, **extra):
    import json as _json
    peak = _status("VmHWM")
    print(_json.dumps({"cpu_seconds": _time.process_time() - started["cpu"],
                       "wall_seconds": _time.perf_counter() - started["wall"],
                       "peak_rss_mb": peak / 1024, "work_rss_mb": (peak - started["rss_kb"]) / 1024, **extra}))
'''


def child(code: str, *args: str, env: dict | None = None, timeout: float = 600) -> dict:
    """Run `code` (which prints one JSON line last) in a fresh Python process; return that JSON."""
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE + code, *args], cwd=ROOT, capture_output=True, text=True,
        env=env, timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the child failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def fresh_database(prefix: str) -> tuple[str | None, callable]:
    """A new, migrated PostgreSQL database beside DATABASE_URL's and the function that drops it; (None, no-op)
    without PostgreSQL.

    The first call migrates a template database named after the migrations' contents; later calls copy it
    (CREATE DATABASE … TEMPLATE), which takes a moment instead of running every migration again.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None, lambda: None
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl().replace("postgresql://", "postgres://")
    migrations = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        migrations.update(path.name.encode() + path.read_bytes())
    template = f"voices_bench_template_{migrations.hexdigest()[:12]}"
    name = f"voices_{prefix}_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if not exists:
            building = f"{template}_{os.getpid()}"
            connection.execute(f'CREATE DATABASE "{building}"')
            env = {**os.environ, "DATABASE_URL": parts._replace(path=f"/{building}").geturl(),
                   "DJANGO_SETTINGS_MODULE": "config.settings.base"}
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                           check=True)
            try:
                connection.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            except psycopg.errors.DuplicateDatabase:  # another run built it meanwhile
                connection.execute(f'DROP DATABASE "{building}"')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parts._replace(path=f"/{name}").geturl(), drop


def load() -> list[float]:
    """The machine's load averages (1, 5 and 15 minutes): other people's work shares these two cores."""
    return [round(value, 2) for value in os.getloadavg()]


def percentile(values: list[float], share: float) -> float:
    """The value `share` (0 to 1) of the way through `values` sorted, nearest rank; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def tree_rss(pid: int) -> dict[int, int]:
    """Resident bytes of a process and its descendants now (a gunicorn master and its workers), by pid;
    a process that ended meanwhile is left out."""
    found, waiting = {}, [pid]
    while waiting:
        current = waiting.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found[current] = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) * 1024
        waiting.extend(int(child) for child in children)
    return found


def tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) a process and its descendants have used so far, the ended ones left out."""
    ticks, waiting = 0, [pid]
    while waiting:
        current = waiting.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
        waiting.extend(int(child) for child in children)
    return ticks / os.sysconf("SC_CLK_TCK")


def machine() -> dict:
    return {"cores": os.cpu_count(), "load_average_1_5_15": load()}


# --- Versions -----------------------------------------------------------------------------------------
def _x264_version() -> str:
    """x264 writes its version into the stream it encodes ("x264 - core 164 r3095 baee400")."""
    try:
        out = subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=size=64x64:duration=0.1",
             "-c:v", "libx264", "-f", "h264", "-"], capture_output=True, timeout=60, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    found = re.search(rb"x264 - core (\d+) (r\d+ \w+)", out)
    return f"core {found.group(1).decode()} {found.group(2).decode()}" if found else "unknown"


def versions() -> dict:
    import PIL
    from PIL import features

    try:
        first = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, timeout=30).stdout
        ffmpeg = first.split("\n", 1)[0].removeprefix("ffmpeg version ").split(" ", 1)[0]
    except OSError:
        ffmpeg = "not installed"
    found = {
        "python": sys.version.split()[0],
        "pillow": PIL.__version__,
        "libjpeg": (("libjpeg-turbo " if features.check_feature("libjpeg_turbo") else "libjpeg ")
                    + str(features.version("jpg"))),
        "libwebp": str(features.version("webp")),
        "ffmpeg": ffmpeg,
        "x264": _x264_version(),
    }
    try:
        import pyvips

        found["libvips"] = pyvips.version_string() if hasattr(pyvips, "version_string") else ".".join(
            str(pyvips.version(i)) for i in range(3))
    except (ImportError, OSError) as error:
        found["libvips"] = f"not available: {error}"
    return found


# --- Image quality ------------------------------------------------------------------------------------
def luma(image) -> np.ndarray:
    """A Pillow image (or a path to one) as 8-bit luminance, as float64."""
    from PIL import Image

    if isinstance(image, str | Path):
        with Image.open(image) as opened:
            return np.asarray(opened.convert("L"), dtype=np.float64)
    return np.asarray(image.convert("L"), dtype=np.float64)


def ssim(a, b) -> float:
    """SSIM of two pictures of the same size (Pillow images, paths or luminance arrays), by scikit-image."""
    from skimage.metrics import structural_similarity

    a = a if isinstance(a, np.ndarray) else luma(a)
    b = b if isinstance(b, np.ndarray) else luma(b)
    if a.shape != b.shape:
        raise ValueError(f"SSIM needs two pictures of one size, not {a.shape[::-1]} and {b.shape[::-1]}")
    return float(structural_similarity(a, b, data_range=255))


def video_ssim(distorted: Path, reference: Path, *, scale_to: tuple[int, int]) -> dict[str, float]:
    """ffmpeg's `ssim` filter, `distorted` against `reference` scaled to `scale_to` with Lanczos, frame by frame:
    {"y": luminance alone, "all": Y, U and V weighted as ffmpeg prints them}."""
    width, height = scale_to
    graph = (f"[1:v]scale={width}:{height}:flags=lanczos+accurate_rnd,format=yuv420p[ref];"
             f"[0:v]format=yuv420p[dist];[dist][ref]ssim")
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(distorted), "-i", str(reference),
         "-filter_complex", graph, "-f", "null", "-"], capture_output=True, text=True, timeout=1800, check=True,
    )
    found = re.search(r"SSIM Y:([\d.]+).*?All:([\d.]+)", result.stderr)
    if not found:
        raise RuntimeError("ffmpeg's ssim filter printed no result")
    return {"y": float(found.group(1)), "all": float(found.group(2))}
