"""The bytes of an upload: their type (from the bytes alone), their metadata, the stripped re-encoding, and
thumbnails. Pure functions over bytes; nothing here touches the database or the disk."""

import io
import warnings
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps

MAX_PIXELS = 50_000_000  # beyond this an image is refused as a possible decompression bomb
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow raises DecompressionBombError at twice this

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
PDF = "application/pdf"
EXTENSIONS = {
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    PDF: {"pdf"},
}
THUMB_WIDTHS = (120, 250, 500, 1000)


class Refused(ValueError):
    """The file cannot be accepted; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class Prepared:
    data: bytes  # what is stored: re-encoded without metadata unless kept
    mime: str
    width: int
    height: int
    metadata: list[list[str]]  # the fields the stored file publishes


def _looks_like_markup(data: bytes) -> bool:
    head = data[:1024].lower()
    return any(marker in head for marker in (b"<svg", b"<html", b"<script", b"<!doctype", b"<?xml", b"<body"))


def detect(data: bytes) -> str:
    """The allowed type the bytes are, or Refused. Never the file's name or the browser's claim."""
    if _looks_like_markup(data):
        raise Refused(_("This file holds HTML, SVG or XML, which can carry script: it is not accepted."))
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-1024:]:
            raise Refused(_("This PDF is truncated."))
        return PDF
    image = _open(data)
    if image.format not in FORMATS:
        raise Refused(_("Only JPEG, PNG, GIF, WebP and PDF files can be uploaded."))
    return FORMATS[image.format]


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels()
            image.load()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means the bytes are not a whole image
        raise Refused(
            _("The file is not an image Candor can read: it is corrupt, truncated or of another type.")
        ) from exc
    return image


def _too_many_pixels() -> Refused:
    pixels = number_format(MAX_PIXELS, force_grouping=True)
    return Refused(_("The image is larger than %(pixels)s pixels.") % {"pixels": pixels})


def _gps(value) -> str:
    try:
        lat = value[2]
        lon = value[4]

        def degrees(parts) -> float:
            return float(parts[0]) + float(parts[1]) / 60 + float(parts[2]) / 3600

        sign_lat = -1 if value.get(1) == "S" else 1
        sign_lon = -1 if value.get(3) == "W" else 1
        return f"{sign_lat * degrees(lat):.6f}, {sign_lon * degrees(lon):.6f}"
    except Exception:  # noqa: BLE001 - an odd GPS block is still shown, raw
        return str(dict(value))


def metadata_of(data: bytes) -> list[list[str]]:
    """Every metadata field the bytes carry, as [name, value] pairs for the file page (C44): EXIF (with the
    GPS position), XMP and IPTC, and any text chunks."""
    if data.startswith(b"%PDF-"):
        return []
    image = Image.open(io.BytesIO(data))
    fields: list[list[str]] = []
    exif = image.getexif()
    for tag, value in exif.items():
        if tag in (ExifTags.IFD.GPSInfo, ExifTags.IFD.Exif):
            continue
        fields.append([ExifTags.TAGS.get(tag, str(tag)), _text(value)])
    for tag, value in exif.get_ifd(ExifTags.IFD.Exif).items():
        fields.append([ExifTags.TAGS.get(tag, str(tag)), _text(value)])
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps:
        fields.append(["GPS position", _gps(gps)])
    xmp = image.info.get("xmp")
    if xmp:
        fields.append(["XMP", _text(xmp)])
    if "photoshop" in image.info or image.info.get("iptc"):
        fields.append(["IPTC", "present"])
    for key, value in image.info.items():
        if key == "comment" or (isinstance(value, str) and key != "xmp"):
            fields.append([key, _text(value)])
    return fields


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).replace("\x00", "")[:500]


def strip(image: Image.Image, mime: str) -> bytes:
    """The image re-encoded from its pixels alone, its orientation applied first: no EXIF, XMP, IPTC, GPS,
    maker notes, comments or embedded thumbnails survive (DESIGN.md: piexif would leave XMP behind)."""
    if mime == "image/gif" and getattr(image, "n_frames", 1) > 1:
        frames = []
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(image.copy())
        out = io.BytesIO()
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=image.info.get("loop", 0))
        return out.getvalue()
    upright = ImageOps.exif_transpose(image)
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # the pixels, nothing else
    if upright.mode == "P" and upright.getpalette():
        clean.putpalette(upright.getpalette())
        if "transparency" in upright.info:
            clean.info["transparency"] = upright.info["transparency"]
    out = io.BytesIO()
    fmt = {v: k for k, v in FORMATS.items()}[mime]
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=90, optimize=False)
    else:
        clean.save(out, fmt)
    return out.getvalue()


def prepare(data: bytes, *, keep_metadata: bool) -> Prepared:
    mime = detect(data)
    if mime == PDF:
        return Prepared(data, PDF, 0, 0, [])
    image = _open(data)
    if keep_metadata:
        return Prepared(data, mime, image.width, image.height, metadata_of(data))
    stored = strip(image, mime)
    width, height = Image.open(io.BytesIO(stored)).size
    return Prepared(stored, mime, width, height, [])


def thumbnail(data: bytes, width: int) -> tuple[bytes, str, int, int]:
    """A JPEG or PNG at most `width` wide, from pixels only: thumbnails never carry metadata."""
    upright = ImageOps.exif_transpose(_open(data))
    image = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # pixels only, no info carried
    if upright.mode == "P" and upright.getpalette():
        image.putpalette(upright.getpalette())
        if "transparency" in upright.info:
            image.info["transparency"] = upright.info["transparency"]
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.LANCZOS)
    out = io.BytesIO()
    if image.mode in {"RGBA", "LA", "P"}:
        image.convert("RGBA").save(out, "PNG")
        mime = "image/png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85)
        mime = "image/jpeg"
    return out.getvalue(), mime, image.width, image.height


def thumb_width(wanted: int | None) -> int:
    """The stored width that serves a request for `wanted` pixels: the smallest at least as wide."""
    wanted = wanted or 250
    return next((width for width in THUMB_WIDTHS if width >= wanted), THUMB_WIDTHS[-1])
