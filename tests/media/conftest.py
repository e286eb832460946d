import io
import os
import shutil

import pytest
from PIL import ExifTags, Image

GPS = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
SERIAL = "CANARY-SERIAL-4711"
CAPTURED = "2024:05:01 10:11:12"
XMP_AUTHOR = "Canary Xmp Author"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
    f"{XMP_AUTHOR}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
).encode()


def photo(width: int = 64, height: int = 48, *, orientation: int = 6) -> bytes:
    """A JPEG with a GPS position, a capture time, a camera serial number, an XMP author, a rotation."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, width // 2, height // 2))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CanaryCam"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = CAPTURED
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=XMP, comment=b"canary comment")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_dir(settings, tmp_path):
    settings.CANDOR_MEDIA_DIR = tmp_path / "media"
    return settings.CANDOR_MEDIA_DIR


@pytest.fixture
def exiftool():
    """exiftool's path; skipped locally when it is missing, a failure under CI=true (.ci/run installs it)."""
    found = shutil.which("exiftool")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("exiftool is missing: .ci/run installs libimage-exiftool-perl")
        pytest.skip("exiftool is not installed")
    return found
