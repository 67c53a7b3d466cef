"""The quality figures of the benchmarks: SSIM by scikit-image on luminance, and ffmpeg's SSIM agreeing with it."""

import subprocess

import numpy as np
import pytest
from PIL import Image, ImageFilter
from skimage.metrics import structural_similarity

from benchmarks import common


def pair(folder, *, blur: float, noise: int):
    """A textured picture with edges, and the same picture blurred and with noise, as PNG (lossless)."""
    rng = np.random.default_rng(5)
    texture = (rng.random((240, 320, 3)) * 255).astype(np.uint8)
    picture = Image.fromarray(texture).filter(ImageFilter.GaussianBlur(1.5))
    picture.paste((20, 200, 40), (60, 60, 160, 140))
    degraded = picture.filter(ImageFilter.GaussianBlur(blur))
    noisy = np.clip(np.asarray(degraded, dtype=np.int16) + rng.integers(-noise, noise + 1, (240, 320, 3)), 0, 255)
    degraded = Image.fromarray(noisy.astype(np.uint8))
    a, b = folder / "a.png", folder / "b.png"
    picture.save(a)
    degraded.save(b)
    return a, b


@pytest.fixture
def known_pair(tmp_path):
    return pair(tmp_path, blur=1.2, noise=12)


def test_the_helper_gives_scikit_images_ssim_of_the_luminance(known_pair):
    a, b = known_pair
    # Luminance by the ITU-R 601 weights, computed here apart from Pillow, rounded to 8 bits as an encoder would.
    weights = np.array([0.299, 0.587, 0.114])
    luma_a = np.round(np.asarray(Image.open(a).convert("RGB"), dtype=np.float64) @ weights)
    luma_b = np.round(np.asarray(Image.open(b).convert("RGB"), dtype=np.float64) @ weights)
    expected = structural_similarity(luma_a, luma_b, data_range=255, win_size=7)

    assert common.ssim(a, b) == pytest.approx(expected, abs=0.002)
    assert 0.3 < common.ssim(a, b) < 0.9, "blur and noise are seen"
    assert common.ssim(a, a) == 1.0


def test_pictures_of_two_sizes_are_refused_not_compared(known_pair):
    a, _b = known_pair
    with pytest.raises(ValueError, match="one size"):
        common.ssim(Image.open(a), Image.open(a).resize((160, 120)))


def test_ffmpegs_ssim_filter_agrees_with_scikit_image_on_the_same_pair(tmp_path):
    """B3 measures video with ffmpeg's filter (8×8 windows on Y, U and V); on Y, near the 0.95 that B3 asks
    for, it agrees with scikit-image's closely."""
    a, b = pair(tmp_path, blur=0.5, noise=3)
    for name in (a, b):
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(name), "-c:v", "ffv1",
                        "-pix_fmt", "yuv420p", str(tmp_path / f"{name.stem}.mkv")], check=True)
    measured = common.video_ssim(tmp_path / "b.mkv", tmp_path / "a.mkv", scale_to=(320, 240))

    assert 0.9 < common.ssim(a, b) < 0.99
    assert measured["y"] == pytest.approx(common.ssim(a, b), abs=0.01)
    same = common.video_ssim(tmp_path / "a.mkv", tmp_path / "a.mkv", scale_to=(320, 240))
    assert same["y"] == pytest.approx(1.0, abs=1e-6) and same["all"] == pytest.approx(1.0, abs=1e-6)
