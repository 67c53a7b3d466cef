"""Photos and artwork: what judges and the public get is upright, sRGB, sized, and carries nothing of the original.

Every picture is made here with Pillow (and a few bytes by hand), nothing downloaded.
"""

import io
import re
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms

from contest.enums import MediaKind
from contest.models import Category
from submissions.media import images
from submissions.media.base import Facts, MediaRejected

SERIAL = "SN-4417-88231-XQ"
OWNER = "Leila Haddad"
COMMENT = b"shot at home, 12 Rue des Lilas"
XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.4N"/>'
    b"</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
)
SPECS = ["thumb.webp", "thumb.jpg", "display.webp", "display.jpg"]


# --- Making pictures -------------------------------------------------------
def camera_exif(*, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R6"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Artist] = OWNER
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.BodySerialNumber] = SERIAL
    details[ExifTags.Base.MakerNote] = b"Canon maker note " + SERIAL.encode()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
    return exif


def iptc_segment() -> bytes:
    """An APP13 "Photoshop 3.0" segment with an IPTC block naming the photographer (2:80, By-line)."""
    record = b"\x1c\x02\x50" + struct.pack(">H", len(OWNER)) + OWNER.encode()
    record += b"\x00" * (len(record) % 2)
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def with_iptc(jpeg: bytes) -> bytes:
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + iptc_segment() + jpeg[2:]


def photo(size=(2400, 1600), colour=(90, 140, 200)) -> Image.Image:
    """A picture with some detail: a gradient under a solid square."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste(colour, (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    return image


def jpeg_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def camera_jpeg(tmp_path: Path, *, size=(2400, 1600), orientation: int = 1) -> Path:
    data = jpeg_bytes(photo(size), exif=camera_exif(orientation=orientation), xmp=XMP, comment=COMMENT)
    return write(tmp_path, "IMG_0001.JPG", with_iptc(data))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(path: Path, side: int = 50_000, height: int | None = None) -> Path:
    """A real 50,000 × 50,000 black-and-white PNG: a few hundred kB that decodes to 2.5 billion pixels."""
    height = height or side
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte, then the row's bits
    packer = zlib.compressobj(9)
    block = row * 500
    compressed = b"".join(packer.compress(block) for _ in range(height // 500)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", compressed) + png_chunk(b"IEND", b"")
    )
    return path


def s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def xyz_tag(x: float, y: float, z: float) -> bytes:
    return b"XYZ \x00\x00\x00\x00" + s15(x) + s15(y) + s15(z)


ADOBE_RGB_D50 = {  # Adobe RGB (1998)'s primaries, adapted to the D50 connection space as its ICC profile gives them
    b"rXYZ": (0.60974, 0.31111, 0.01947),
    b"gXYZ": (0.20528, 0.62567, 0.06087),
    b"bXYZ": (0.14919, 0.06322, 0.74457),
}
ADOBE_GAMMA = 563 / 256
SRGB_D50 = ((0.43607, 0.38515, 0.14307), (0.22249, 0.71687, 0.06061), (0.01392, 0.09708, 0.71410))


def adobe_rgb_profile() -> bytes:
    """A minimal ICC v2 display profile for Adobe RGB (1998): white point, three primaries, gamma 2.2."""
    text = b"Adobe RGB (1998) test"
    desc = b"desc\x00\x00\x00\x00" + struct.pack(">I", len(text) + 1) + text + b"\x00" + b"\x00" * 8 + b"\x00" * 70
    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, 563) + b"\x00\x00"
    tags = [(b"desc", desc), (b"wtpt", xyz_tag(0.9642, 1.0, 0.8249))]
    tags += [(signature, xyz_tag(*value)) for signature, value in ADOBE_RGB_D50.items()]
    tags += [(b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve), (b"cprt", b"text\x00\x00\x00\x00none\x00")]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\x00" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + b"lcms" + b"\x02\x10\x00\x00" + b"mntrRGB XYZ "
        + b"\x07\xea\x00\x0c\x00\x01" + b"\x00" * 6
        + b"acsp" + b"\x00" * 24 + b"\x00\x00\x00\x00" + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\x00" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def adobe_to_srgb(rgb: tuple[int, int, int]) -> tuple[int, ...]:
    """The colour by the textbook: Adobe RGB → linear → XYZ (D50) → linear sRGB → sRGB's curve."""
    linear = [(value / 255) ** ADOBE_GAMMA for value in rgb]
    columns = list(ADOBE_RGB_D50.values())
    xyz = [sum(columns[c][row] * linear[c] for c in range(3)) for row in range(3)]
    # Solve SRGB_D50 · srgb = xyz (Cramer's rule: three unknowns).
    def det(m):
        return (
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        )
    whole = det(SRGB_D50)
    srgb = []
    for c in range(3):
        m = [[xyz[row] if col == c else SRGB_D50[row][col] for col in range(3)] for row in range(3)]
        value = min(1.0, max(0.0, det(m) / whole))
        encoded = 12.92 * value if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055
        srgb.append(round(encoded * 255))
    return tuple(srgb)


def rendered(path: Path, tmp_path: Path) -> dict[str, Path]:
    outputs = images.render_image(path, tmp_path / "out")
    return {output.spec: output.path for output in outputs}


def refusal(step, *args) -> MediaRejected:
    with pytest.raises(MediaRejected) as caught:
        step(*args)
    return caught.value


def close_to(actual, expected, tolerance: int) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# --- Metadata ----------------------------------------------------------------
def test_no_rendition_carries_the_location_the_camera_serial_xmp_iptc_or_comments(tmp_path):
    source = camera_jpeg(tmp_path)
    with Image.open(source) as original:  # the original really carries all of it
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert original.getexif().get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] == SERIAL
        assert {"xmp", "comment", "photoshop", "exif"} <= set(original.info)
    assert SERIAL.encode() in source.read_bytes()

    outputs = rendered(source, tmp_path)

    assert sorted(outputs) == sorted(SPECS)
    for spec, path in outputs.items():
        with Image.open(path) as copy:
            assert not copy.getexif(), spec
            assert not copy.getexif().get_ifd(ExifTags.IFD.GPSInfo), spec
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "icc_profile"} & set(copy.info)
        data = path.read_bytes()
        for trace in (SERIAL.encode(), OWNER.encode(), COMMENT, b"xpacket", b"adobe:ns:meta", b"Photoshop 3.0",
                      b"8BIM", b"Exif\x00\x00", b"Canon"):
            assert trace not in data, (spec, trace)


def test_the_exif_orientation_is_applied_so_a_portrait_stands_upright(tmp_path):
    stored = Image.new("RGB", (600, 400), "red")
    stored.paste("blue", (300, 0, 600, 400))  # the camera stores it on its side: red left, blue right
    source = write(tmp_path, "portrait.jpg", jpeg_bytes(stored, exif=camera_exif(orientation=6)))

    facts = images.probe_image(source)
    outputs = rendered(source, tmp_path)

    assert (facts.width, facts.height) == (400, 600)
    for spec in SPECS:
        with Image.open(outputs[spec]) as shown:
            assert shown.size == ((400, 600) if spec.startswith("display") else (267, 400))
            shown = shown.convert("RGB")
            top, bottom = shown.getpixel((shown.width // 2, 5)), shown.getpixel((shown.width // 2, shown.height - 5))
            assert close_to(top, (255, 0, 0), 40), (spec, top)  # rotated a quarter turn clockwise: red on top
            assert close_to(bottom, (0, 0, 255), 40), (spec, bottom)


def test_renditions_are_1600_and_400_pixels_on_the_long_side(tmp_path):
    source = write(tmp_path, "big.jpg", jpeg_bytes(photo((6000, 4000))))

    outputs = images.render_image(source, tmp_path / "out")

    sizes = {output.spec: (output.width, output.height) for output in outputs}
    assert sizes == {
        "display.webp": (1600, 1067), "display.jpg": (1600, 1067), "thumb.webp": (400, 267), "thumb.jpg": (400, 267)
    }
    for output in outputs:
        with Image.open(output.path) as made:
            assert made.size == sizes[output.spec]
            assert made.format == ("WEBP" if output.spec.endswith(".webp") else "JPEG")
            assert output.content_type == ("image/webp" if output.spec.endswith(".webp") else "image/jpeg")


def test_a_small_picture_is_never_enlarged(tmp_path):
    source = write(tmp_path, "small.png", b"")
    photo((300, 200)).save(source, "PNG")

    sizes = {output.spec: (output.width, output.height) for output in images.render_image(source, tmp_path / "o")}

    assert set(sizes.values()) == {(300, 200)}


def test_the_display_image_keeps_the_picture(tmp_path):
    """The fast path (scaled JPEG decoding, then Hamming) looks like a plain full-size resize."""
    original = photo((4000, 3000), colour=(200, 40, 40))
    source = write(tmp_path, "detail.jpg", jpeg_bytes(original))
    display = Image.open(rendered(source, tmp_path)["display.jpg"]).convert("RGB")
    reference = original.resize(display.size, Image.Resampling.LANCZOS)

    square = display.getpixel((display.width * 3 // 8, display.height * 3 // 8))
    difference = sum(abs(a - b) for a, b in zip(display.tobytes(), reference.tobytes(), strict=True))

    assert close_to(square, (200, 40, 40), 8)
    assert difference / len(reference.tobytes()) < 3  # mean error per channel, out of 255


# --- Colour -------------------------------------------------------------------
def test_an_adobe_rgb_photo_is_converted_to_srgb_through_its_profile(tmp_path):
    profile = adobe_rgb_profile()
    ImageCms.ImageCmsProfile(io.BytesIO(profile))  # a profile littleCMS accepts
    colour = (60, 170, 90)
    source = write(tmp_path, "adobe.jpg", jpeg_bytes(Image.new("RGB", (800, 600), colour), icc_profile=profile))
    expected = adobe_to_srgb(colour)
    assert not close_to(expected, colour, 10)  # shown without its profile, the colour would be visibly wrong

    outputs = rendered(source, tmp_path)

    for spec in SPECS:
        with Image.open(outputs[spec]) as shown:
            assert "icc_profile" not in shown.info
            assert close_to(shown.convert("RGB").getpixel((100, 100)), expected, 4), spec


def test_a_cmyk_jpeg_becomes_an_rgb_picture(tmp_path):
    source = write(tmp_path, "print.jpg", jpeg_bytes(Image.new("CMYK", (800, 600), (255, 0, 0, 0))))
    assert images.probe_image(source).extra["mode"] == "CMYK"

    outputs = rendered(source, tmp_path)

    for spec in SPECS:
        with Image.open(outputs[spec]) as shown:
            assert shown.mode == "RGB"
            assert close_to(shown.getpixel((10, 10)), (0, 255, 255), 12), spec  # cyan ink is cyan on screen


def test_transparency_stays_in_webp_and_turns_white_in_jpeg(tmp_path):
    drawing = Image.new("RGBA", (500, 500), (0, 0, 0, 0))
    drawing.paste((0, 120, 0, 255), (0, 0, 250, 500))
    source = tmp_path / "drawing.png"
    drawing.save(source)

    outputs = rendered(source, tmp_path)

    with Image.open(outputs["display.webp"]) as webp:
        assert webp.mode == "RGBA"
        assert webp.getpixel((400, 250))[3] == 0
    with Image.open(outputs["display.jpg"]) as jpeg:
        assert close_to(jpeg.getpixel((400, 250)), (255, 255, 255), 3)
        assert close_to(jpeg.getpixel((100, 250)), (0, 120, 0), 6)


def test_a_16_bit_grey_png_keeps_its_tones(tmp_path):
    source = tmp_path / "scan.png"
    Image.linear_gradient("L").resize((512, 512)).convert("I").point(lambda v: v * 257).convert("I;16").save(source)

    outputs = rendered(source, tmp_path)

    with Image.open(outputs["display.jpg"]) as shown:
        shown = shown.convert("L")
        assert shown.getpixel((256, 5)) < 30 and shown.getpixel((256, 506)) > 225  # dark top, light bottom


# --- Bad files -------------------------------------------------------------------
def vm_peak_kb() -> int:
    return int(re.search(r"^VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))


@pytest.mark.parametrize("step", [images.probe_image, images.render_image], ids=["probe", "render"])
def test_a_decompression_bomb_is_refused_from_its_header_fast_and_without_memory(tmp_path, step):
    bomb = png_bomb(tmp_path / "bomb.png")
    assert bomb.stat().st_size < 1_000_000
    args = (bomb,) if step is images.probe_image else (bomb, tmp_path / "out")
    peak_before = vm_peak_kb()
    started = time.perf_counter()

    refused = refusal(step, *args)

    assert time.perf_counter() - started < 1
    assert vm_peak_kb() - peak_before < 50_000  # decoding it would take 2.5 GB
    assert refused.code == "too_many_pixels"
    assert refused.message == (
        "Your picture has 2,500 megapixels: at most 100 are accepted. Make it smaller and upload it again."
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_limit_is_the_setting_not_pillows_own(tmp_path):
    """95 megapixels: over Pillow's default warning (89), under the setting (100)."""
    large = png_bomb(tmp_path / "large.png", side=10_000, height=9_500)

    facts = images.probe_image(large)

    assert (facts.width, facts.height) == (10_000, 9_500)


def test_the_pixel_limit_is_a_setting(tmp_path, settings):
    settings.IMAGE_MAX_PIXELS = 2_000_000
    source = write(tmp_path, "wide.jpg", jpeg_bytes(photo((2000, 1200))))

    refused = refusal(images.probe_image, source)

    assert refused.code == "too_many_pixels"
    assert refused.message.startswith("Your picture has 2.4 megapixels: at most 2 are accepted.")


@pytest.mark.parametrize("kind", ["jpg", "progressive.jpg", "png"])
def test_a_truncated_picture_is_refused_as_damaged(tmp_path, kind):
    buffer = io.BytesIO()
    if kind == "png":
        photo((1200, 900)).save(buffer, "PNG")
    else:
        photo((1200, 900)).save(buffer, "JPEG", progressive=kind.startswith("progressive"))
    data = buffer.getvalue()
    complete = write(tmp_path, f"whole.{kind}", data)
    assert images.probe_image(complete).width == 1200
    source = write(tmp_path, f"cut.{kind}", data[: len(data) * 2 // 3])

    for refused in (refusal(images.probe_image, source), refusal(images.render_image, source, tmp_path / "out")):
        assert refused.code == "damaged_image"
        assert refused.message.startswith("Your image file is damaged or incomplete")


@pytest.mark.parametrize("kind", ["jpg", "png"])
def test_a_truncated_picture_is_refused_even_after_the_certificates_loaded_weasyprint(tmp_path, kind):
    """WeasyPrint turns on Pillow's global LOAD_TRUNCATED_IMAGES when imported; a worker that made a
    certificate must still refuse a cut-off upload."""
    import weasyprint  # noqa: F401

    buffer = io.BytesIO()
    photo((1200, 900)).save(buffer, "PNG" if kind == "png" else "JPEG")
    data = buffer.getvalue()
    source = write(tmp_path, f"cut.{kind}", data[: len(data) * 2 // 3])
    for refused in (refusal(images.probe_image, source), refusal(images.render_image, source, tmp_path / "out")):
        assert refused.code == "damaged_image"
        assert refused.message.startswith("Your image file is damaged or incomplete")


def test_an_empty_file_is_refused(tmp_path):
    refused = refusal(images.probe_image, write(tmp_path, "photo.jpg", b""))

    assert refused.code == "empty_file"
    assert refused.message == "The file is empty (0 bytes). Upload the picture again."


def test_the_content_decides_not_the_name(tmp_path):
    source = tmp_path / "holiday.jpg"
    photo((900, 600)).save(source, "PNG")  # a PNG called .jpg

    facts = images.probe_image(source)
    outputs = rendered(source, tmp_path)

    assert (facts.container, facts.width, facts.height) == ("png", 900, 600)
    assert len(outputs) == 4


@pytest.mark.parametrize(
    "content",
    [b"<!doctype html><html><script>alert(1)</script></html>", b"PK\x03\x04" + b"\x00" * 200, b"%PDF-1.7\n" * 30],
    ids=["html", "zip", "pdf"],
)
def test_a_file_that_is_no_picture_is_refused_whatever_its_name(tmp_path, content):
    refused = refusal(images.probe_image, write(tmp_path, "photo.jpg", content))

    assert refused.code == "not_an_image"
    assert "not a picture" in refused.message


@pytest.mark.parametrize(
    "appendix",
    [b"<html><body><script>document.location='https://evil.example/'</script></body></html>", "zip"],
    ids=["html", "zip"],
)
def test_a_polyglot_loses_what_was_appended_to_the_jpeg(tmp_path, appendix):
    if appendix == "zip":
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("payload.html", "<script>alert(1)</script>")
        appendix = archive.getvalue()
    source = write(tmp_path, "poly.jpg", jpeg_bytes(photo((1000, 700))) + appendix)

    facts = images.probe_image(source)
    outputs = rendered(source, tmp_path)

    assert facts.extra["trailing_bytes"] == len(appendix)
    for path in outputs.values():
        data = path.read_bytes()
        assert b"PK\x03\x04" not in data and b"<script" not in data and b"payload" not in data


def test_an_svg_with_a_script_is_refused(tmp_path):
    svg = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b"<script>fetch('/en/accounts/email/')</script><rect width='100' height='100'/></svg>"
    )

    refused = refusal(images.probe_image, write(tmp_path, "art.png", svg))

    assert refused.code == "svg_not_allowed"
    assert refused.message == (
        "SVG drawings cannot be accepted, because they can carry scripts. "
        "Export your artwork as a PNG or JPEG image and upload that."
    )


# --- The category's minimum size ---------------------------------------------------
def test_a_photo_smaller_than_the_category_asks_is_refused_with_both_numbers():
    category = Category(media_kind=MediaKind.PHOTO, min_long_side_px=1600)

    refused = refusal(images.check_image, Facts(kind="image", container="jpg", width=1200, height=800), category)

    assert refused.code == "too_small"
    assert refused.message == "Your photo is 1200 × 800 pixels; this category needs at least 1600 on the long side."


@pytest.mark.parametrize(
    ("media_kind", "minimum", "size", "accepted"),
    [
        (MediaKind.PHOTO, 1600, (1067, 1600), True),  # a portrait: its long side is its height
        (MediaKind.PHOTO, None, (10, 10), True),
        (MediaKind.ARTWORK, 1200, (1199, 900), False),
    ],
)
def test_the_long_side_decides(media_kind, minimum, size, accepted):
    category = Category(media_kind=media_kind, min_long_side_px=minimum)
    facts = Facts(kind="image", container="png", width=size[0], height=size[1])

    if accepted:
        images.check_image(facts, category)
    else:
        assert refusal(images.check_image, facts, category).message.startswith("Your image is 1199 × 900 pixels")


def test_stray_bytes_between_jpeg_segments_are_tolerated_as_libjpeg_does(tmp_path):
    data = jpeg_bytes(photo((800, 600)))
    quantisation = data.index(b"\xff\xdb")
    source = write(tmp_path, "padded.jpg", data[:quantisation] + b"\x00\x00\x00" + data[quantisation:])

    facts = images.probe_image(source)

    assert (facts.width, facts.height) == (800, 600)
    assert len(rendered(source, tmp_path)) == 4
