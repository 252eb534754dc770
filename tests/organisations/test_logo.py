"""Logo uploads are checked by content, capped, re-encoded and renamed (no database)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from organisations.logo import MAX_BYTES, process_logo


def image_upload(
    name: str = "logo.png", fmt: str = "PNG", size: tuple[int, int] = (300, 200), **save: object
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (14, 100, 98)).save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def reopen(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_accepted_formats_are_re_encoded_under_a_random_name(fmt: str, extension: str) -> None:
    first = process_logo(image_upload("Mon Logo (final).png", fmt))
    second = process_logo(image_upload("Mon Logo (final).png", fmt))
    assert first.name.endswith(f".{extension}")
    assert "Logo" not in first.name and first.name != second.name
    assert reopen(first.read()).format == fmt


def test_metadata_is_dropped_and_large_images_are_shrunk() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Appareil photo"  # Make
    exif[0x9286] = "Secret comment"  # UserComment
    processed = process_logo(image_upload("photo.jpg", "JPEG", (2400, 1200), exif=exif.tobytes()))
    image = reopen(processed.read())
    assert image.size == (512, 256)
    assert not image.getexif()
    assert b"Secret" not in processed.open().read()


def test_a_fake_image_is_refused() -> None:
    fake = SimpleUploadedFile("logo.png", b"<?php system($_GET['c']); ?>", "image/png")
    with pytest.raises(ValidationError) as raised:
        process_logo(fake)
    assert raised.value.code == "not_an_image"


def test_other_image_formats_are_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        process_logo(image_upload("logo.gif", "GIF"))
    assert raised.value.code == "not_an_image"


def test_a_truncated_image_is_refused() -> None:
    upload = image_upload("logo.png", "PNG", (400, 400))
    broken = SimpleUploadedFile("logo.png", upload.read()[:200], "image/png")
    with pytest.raises(ValidationError) as raised:
        process_logo(broken)
    assert raised.value.code == "not_an_image"


def test_a_5_mb_file_is_refused_before_being_decoded() -> None:
    heavy = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "image/png")
    assert heavy.size > MAX_BYTES
    with pytest.raises(ValidationError) as raised:
        process_logo(heavy)
    assert raised.value.code == "too_large"


def test_too_many_pixels_are_refused_even_when_the_file_is_small() -> None:
    # A flat 5,000 × 5,000 PNG weighs a few kilobytes: the pixel cap must catch it.
    upload = image_upload("logo.png", "PNG", (5000, 5000))
    assert upload.size < MAX_BYTES
    with pytest.raises(ValidationError) as raised:
        process_logo(upload)
    assert raised.value.code == "too_many_pixels"
