"""Photos and artwork: probe from the header, check the size, and make metadata-free sRGB renditions.

Every file is untrusted. Its header is read first and a decompression bomb
(a small file that decodes to billions of pixels) is refused before any pixel
is decoded. Renditions are re-encoded from pixels alone, so nothing of the
original travels with them: no EXIF (GPS position, camera serial, maker
notes), XMP, IPTC, comments, or bytes appended after the image (polyglots).
"""

import io
import math
import mmap
import re
import struct
import warnings
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageFile, UnidentifiedImageError

from contest.enums import MediaKind

from ..enums import Spec
from .base import Facts, MediaRejected, Output

if TYPE_CHECKING:  # the models are not needed to run a step, so a benchmark can import it without Django's apps
    from contest.models import Category

# Pillow's names for the formats we take, mapped to the names categories use (see submissions/sniff.py).
FORMATS = {
    "JPEG": "jpg",
    "MPO": "jpg",  # a JPEG with a second picture (phones' depth maps); its first picture is the photo
    "PNG": "png",
    "WEBP": "webp",
    "GIF": "gif",
    "TIFF": "tiff",
    "BMP": "bmp",
    "AVIF": "avif",
}
# MPO has no opener of its own: the JPEG opener returns it.
OPENERS = [name for name in FORMATS if name != "MPO"]
DEFAULT_MAX_PIXELS = 100_000_000
# The renditions' long sides, in pixels; the thumbnail is made from the display image, not the original.
DISPLAY = 1600
THUMB = 400
JPEG_QUALITY = 85
WEBP_QUALITY = 80
# libwebp's effort, 0–6 (4 is its default). Measured by benchmark B1 on a detailed 24-megapixel photo: on the
# display image effort 4 is half of the whole step's time; effort 0 takes a quarter of that for a file 10 %
# larger than libvips' at effort 4 with an SSIM 0.0025 lower (effort 2 saved half as much time for a file 5 %
# larger); with the same JPEG and thumbnails, the four files together stay within 4 % of stock Pillow's and
# libvips'. On the thumbnail the difference is a few milliseconds, so it gets libwebp's default.
WEBP_METHOD = {"display": 0, "thumb": 4}
# How many times the target size the image may still be when the last (filtered) step starts: 2 keeps
# the result indistinguishable from a full resize while `reduce()` does the bulk cheaply.
REDUCING_GAP = 2.0
# Lanczos for both: against a lossless reference (the whole original resized with Lanczos) it keeps the
# display image as sharp as stock Pillow's and libvips' (B1: SSIM 0.997 before encoding, where Hamming, a
# third cheaper, gave 0.977 and the least sharp picture of all).
DISPLAY_FILTER = Image.Resampling.LANCZOS
THUMB_FILTER = Image.Resampling.LANCZOS

# The EXIF orientation values, as the transposition that shows the picture upright (as ImageOps.exif_transpose).
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.createProfile("sRGB")
# What Pillow raises on a damaged file, whichever decoder meets the damage.
_DAMAGE = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error, zlib.error)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _damaged() -> MediaRejected:
    return MediaRejected(
        "damaged_image",
        _(
            "Your image file is damaged or incomplete, so it cannot be shown. "
            "Open it on your device to check it, export or save it again, and upload it once more."
        ),
    )


def _not_an_image() -> MediaRejected:
    return MediaRejected(
        "not_an_image",
        _("This file is not a picture we can read, whatever its name says. Upload a JPEG, PNG or WebP image."),
    )


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") and b"<svg" in text


def _open(path: Path) -> Image.Image:
    """Open the file and read its header only; refuse what is not an allowed picture or holds too many pixels."""
    path = Path(path)
    # Pillow's switch is global, and importing WeasyPrint (the certificates) turns it on: a cut-off
    # upload would then decode as a picture with a grey bottom. Damage must always be refused here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head:
        raise MediaRejected("empty_file", _("The file is empty (0 bytes). Upload the picture again."))
    if _looks_like_svg(head):
        raise MediaRejected(
            "svg_not_allowed",
            _(
                "SVG drawings cannot be accepted, because they can carry scripts. "
                "Export your artwork as a PNG or JPEG image and upload that."
            ),
        )
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own global limit (89 megapixels) and refuses above twice that; the
            # setting, checked just below, is the limit, so the warning is silenced and the refusal kept.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=OPENERS)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(_pillows_count(error), limit) from None
    except UnidentifiedImageError:
        raise _not_an_image() from None
    except _DAMAGE:
        raise _damaged() from None
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise _damaged()
    if width * height > limit:
        image.close()
        raise _too_many_pixels(width * height, limit)
    return image


def _too_many_pixels(pixels: int | None, limit: int) -> MediaRejected:
    shown_limit = number_format(round(limit / 1_000_000), use_l10n=True, force_grouping=True)
    if pixels is None:
        message = _(
            "Your picture has too many pixels: at most %(limit)s megapixels are accepted. "
            "Make it smaller and upload it again."
        ) % {"limit": shown_limit}
    else:
        # Rounded up, so a picture just over the limit never reads as "100 megapixels; at most 100".
        megapixels = math.ceil(pixels / 100_000) / 10
        message = _(
            "Your picture has %(megapixels)s megapixels: at most %(limit)s are accepted. "
            "Make it smaller and upload it again."
        ) % {
            "megapixels": number_format(megapixels, decimal_pos=1 if megapixels < 100 else 0, use_l10n=True,
                                        force_grouping=True),
            "limit": shown_limit,
        }
    return MediaRejected("too_many_pixels", message)


def _pillows_count(error: Exception) -> int | None:
    """The pixel count in Pillow's own refusal ("Image size (2500000000 pixels) exceeds limit …")."""
    found = re.search(r"\((\d+) pixels\)", str(error))
    return int(found.group(1)) if found else None


def _jpeg_ending(path: Path) -> tuple[bool, int]:
    """Whether a JPEG's image data reaches its end marker, and how many bytes follow that marker.

    Walks the segments by their lengths and the entropy-coded data to the
    first marker that is not a restart or a stuffed byte, so it reads the
    file once and decodes nothing.
    """
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        size = len(data)
        pos = 2
        while pos + 2 <= size:
            if data[pos] != 0xFF:
                # Stray bytes between segments: libjpeg skips them with a warning, and so do we.
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 2 > size:
                    return False, 0
            marker = data[pos + 1]
            if marker == 0xFF:  # fill byte before a marker
                pos += 1
                continue
            if marker == 0xD9:
                return True, size - pos - 2
            if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            if pos + 4 > size:
                return False, 0
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
            if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
                while True:
                    pos = data.find(b"\xff", pos)
                    if pos < 0 or pos + 1 >= size:
                        return False, 0
                    following = data[pos + 1]
                    if following == 0x00 or 0xD0 <= following <= 0xD7:
                        pos += 2
                    elif following == 0xFF:
                        pos += 1
                    else:
                        break
        return False, 0


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except _DAMAGE:
        return 1  # a broken EXIF block only loses its orientation; the pixels are still good


def _verify_png(path: Path) -> None:
    """Read every chunk to the end and check its checksum, without inflating the pixels (a cut file fails)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size was checked already
            again = Image.open(path, formats=["PNG"])
        with again:
            again.verify()
    except _DAMAGE:
        raise _damaged() from None


def probe_image(path: Path) -> Facts:
    """Width, height (as shown, after EXIF orientation) and format, read from the header alone."""
    image = _open(path)
    try:
        container = FORMATS[image.format]
        orientation = _orientation(image)
        extra = {"orientation": orientation, "mode": image.mode}
        if container == "jpg":
            complete, trailing = _jpeg_ending(Path(path))
            if not complete:
                raise _damaged()
            # Bytes after the end of a JPEG are how a polyglot hides a ZIP or a web page;
            # renditions never carry them, and the number is kept for the organizers.
            extra["trailing_bytes"] = trailing
        elif container == "png":
            _verify_png(Path(path))
        width, height = image.size
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        return Facts(kind="image", container=container, width=width, height=height, extra=extra)
    finally:
        image.close()


def check_image(facts: Facts, category: "Category") -> None:
    """Refuse a picture smaller than the category's shortest long side."""
    if not category.min_long_side_px or facts.width is None or facts.height is None:
        return
    if max(facts.width, facts.height) >= category.min_long_side_px:
        return
    numbers = {"width": facts.width, "height": facts.height, "min": category.min_long_side_px}
    if category.media_kind == MediaKind.PHOTO:
        message = _(
            "Your photo is %(width)s × %(height)s pixels; this category needs at least %(min)s on the long side."
        )
    else:
        message = _(
            "Your image is %(width)s × %(height)s pixels; this category needs at least %(min)s on the long side."
        )
    raise MediaRejected("too_small", message % numbers)


def _box(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """The size that `size` scales to when its long side becomes `long_side` (never larger than it is)."""
    width, height = size
    scale = min(1.0, long_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _plain_mode(image: Image.Image) -> Image.Image:
    """Pixels in a mode the resizer, the colour transform and both encoders take: L, LA, RGB, RGBA or CMYK."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":
        # 16-bit or float grey: scale to 8 bits rather than let convert() clip everything above 255 to white.
        image = image.convert("I") if mode != "F" else image
        low, high = image.getextrema()
        span = max(1, high - low) if isinstance(high, int) else max(1e-9, high - low)
        return image.point(lambda value: (value - low) * (255 / span)).convert("L")
    if mode == "La":
        return image.convert("LA")
    if mode == "RGBa":
        return image.convert("RGBA")
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The pixels in sRGB: through the embedded colour profile when there is one, else taken as sRGB already."""
    alpha = None
    if image.mode in ("RGBA", "LA"):
        alpha = image.getchannel("A")
        image = image.convert("RGB" if image.mode == "RGBA" else "L")
    converted = None
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                image, source, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a profile that does not fit the pixels: show them as they are
    if converted is None:
        converted = image if image.mode in ("RGB", "L") else image.convert("RGB")
    if alpha is not None:
        converted = converted.convert("RGBA" if converted.mode == "RGB" else "LA")
        converted.putalpha(alpha)
    return converted


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    method = ORIENTATIONS.get(orientation)
    return image if method is None else image.transpose(method)


def _without_alpha(image: Image.Image) -> Image.Image:
    """For JPEG, which has no transparency: transparent parts become white, as a page would show them."""
    if image.mode not in ("RGBA", "LA"):
        return image
    background = Image.new("RGB" if image.mode == "RGBA" else "L", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def _save(image: Image.Image, out_dir: Path, name: str) -> Output:
    """Encode pixels alone: `info` is emptied and no EXIF, XMP, ICC or comment is passed to the encoder."""
    image.info = {}
    path = out_dir / name
    if name.endswith(".webp"):
        method = WEBP_METHOD[name.split(".", 1)[0]]
        image.save(path, "WEBP", quality=WEBP_QUALITY, method=method, exif=b"", icc_profile=b"", xmp=b"")
        content_type = "image/webp"
    else:
        image = _without_alpha(image)
        image.info = {}
        image.save(path, "JPEG", quality=JPEG_QUALITY, exif=b"", icc_profile=None)
        content_type = "image/jpeg"
    spec = name
    return Output(spec=spec, path=path, content_type=content_type, width=image.width, height=image.height)


def render_image(path: Path, out_dir: Path) -> list[Output]:
    """The display (1600 px) and thumbnail (400 px) renditions, long side, in WebP and JPEG, upright, sRGB."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    image = _open(path)
    try:
        orientation = _orientation(image)
        icc = image.info.get("icc_profile")
        target = _box(image.size, DISPLAY)
        if image.format in ("JPEG", "MPO"):
            # libjpeg decodes straight to 1/2, 1/4 or 1/8 of the size, never below the target: the fast path.
            image.draft(image.mode, target)
        try:
            image.load()
            display = _plain_mode(image)
            display.thumbnail(target, DISPLAY_FILTER, reducing_gap=REDUCING_GAP)
            if display is image:
                display = image.copy()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError):
            raise _too_many_pixels(image.width * image.height, max_pixels()) from None
        except _DAMAGE:
            raise _damaged() from None
    finally:
        image.close()
    # Colour and orientation are applied to the 1600 px image, not the original: far fewer pixels to touch.
    display = _to_srgb(_upright(display, orientation), icc)
    thumb = display.copy()
    thumb.thumbnail(_box(display.size, THUMB), THUMB_FILTER, reducing_gap=REDUCING_GAP)
    return [
        _save(thumb, out_dir, Spec.THUMB_WEBP),
        _save(thumb, out_dir, Spec.THUMB_JPEG),
        _save(display, out_dir, Spec.DISPLAY_WEBP),
        _save(display, out_dir, Spec.DISPLAY_JPEG),
    ]
