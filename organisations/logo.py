"""Logo uploads, checked by content and re-encoded (no database).

A file is accepted only if Pillow recognises it as PNG, JPEG or WebP, whatever its name or
declared type says. It is decoded, shrunk to the size we display, and encoded again, which
drops metadata (EXIF, GPS, comments) and anything hidden after the image data. The stored
name is random, so a file name never reaches the disk.
"""

import io
import uuid
import warnings
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4000 * 4000
DISPLAY_BOX = (512, 512)
# Pillow format name → (stored extension, save options)
FORMATS: dict[str, tuple[str, dict[str, Any]]] = {
    "PNG": ("png", {"optimize": True}),
    "JPEG": ("jpg", {"quality": 88, "optimize": True}),
    "WEBP": ("webp", {"quality": 88}),
}
ACCEPT = "image/png,image/jpeg,image/webp"


def process_logo(upload: UploadedFile) -> ContentFile:
    """The re-encoded logo as a file named ``<random>.<ext>``, or a French ValidationError."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError(
            _("This image is too heavy (%(size)s): the maximum is 2 MB."),
            code="too_large",
            params={"size": filesizeformat(upload.size or 0)},
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format or ""
                if image_format not in FORMATS:
                    raise _not_an_image()
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        _(
                            "This image is too large (%(width)d × %(height)d pixels): "
                            "the maximum is 4,000 × 4,000."
                        ),
                        code="too_many_pixels",
                        params={"width": width, "height": height},
                    )
                image.load()
                cleaned = _normalise(image, image_format)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as error:
        raise _not_an_image() from error
    extension, options = FORMATS[image_format]
    buffer = io.BytesIO()
    cleaned.save(buffer, format=image_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def _normalise(image: Image.Image, image_format: str) -> Image.Image:
    # Honour the camera's orientation before the EXIF tag that carries it is dropped.
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    image.thumbnail(DISPLAY_BOX)
    # A fresh image carries pixels only: no info dict, no ICC profile, no EXIF.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("This file is not a PNG, JPEG or WebP image. Choose another file."),
        code="not_an_image",
    )
