"""Reading the run's pictures as a reviewer does: Tesseract OCR on an upscaled, grayscale copy.

Tesseract is a test-only need, installed by ``make test`` as ``make`` installs Chromium:
``python tests/ocr_helpers.py --ensure`` (Debian's ``tesseract-ocr``, through apt-get as root or ``sudo -n``).

It is called as its command line through ``subprocess``, not through ``pytesseract``: that binding is itself a
wrapper that writes temporary files and runs the same command, so it would add a package to install and pin for
one call we make with stdin and stdout, and its errors would hide the one we want to give (how to install it).

A missing ``tesseract`` is never a skip: ``require_tesseract`` fails the test saying how to install it, so CI
cannot pass without reading the pictures.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageOps

PACKAGE = "tesseract-ocr"  # Debian's package: the engine and its English data
INSTALL_HINT = (f"install Tesseract with `make test` (it runs `python tests/ocr_helpers.py --ensure`), or on Debian/Ubuntu "
                f"`apt-get install -y {PACKAGE}` (or point TESSERACT_CMD at a tesseract binary)")

PSM_BLOCK = 6  # "a single uniform block of text": a line of a list, a green box, a form's rows
# How a picture is read, in order, until a reading holds the value: (upscale, black/white threshold or None, --psm).
# The pictures' text is 12-16 px high; Tesseract reads best near 30 px. Tried on every source, before and after
# picture of the four renderings (about 300): 3x grayscale as a block read every whole address but one (a legacy
# table row, read 2x black on white); sparse text (--psm 11) missed a quarter of them, 2x grayscale a fifth.
READINGS: tuple[tuple[int, int | None, int], ...] = ((3, None, PSM_BLOCK), (2, 128, PSM_BLOCK))
PSM_SPARSE = 11  # "sparse text, in no particular order": a form's labels beside dark (masked) boxes
# A form's labels: the legacy table's grey labels beside masked boxes are read only as sparse text.
LABEL_READINGS: tuple[tuple[int, int | None, int], ...] = ((3, None, PSM_SPARSE), *READINGS)

# Tesseract's usual confusions in these fonts, read back to what an address can hold. Every one maps a
# character to another that is not in the alphabet of an address's *tail* (".com", a domain), and none of
# them adds or removes a character: a cut address stays shorter than the whole one, so it can never match.
CONFUSIONS = str.maketrans({"—": "-", "–": "-", "‐": "-", "|": "l", "©": "@", "®": "@"})


def tesseract_command() -> str | None:
    """The ``tesseract`` to call: ``TESSERACT_CMD``, else the one on PATH; None where there is none."""
    explicit = os.environ.get("TESSERACT_CMD", "").strip()
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return shutil.which("tesseract")


def require_tesseract() -> str:
    """The ``tesseract`` command, or the test fails (never skips) saying how to install it."""
    import pytest

    found = tesseract_command()
    if not found:
        pytest.fail(f"tesseract is not installed, so the pictures cannot be read: {INSTALL_HINT}", pytrace=False)
    return found


def prepared(picture: Image.Image | Path, scale: int = 3, threshold: int | None = None) -> Image.Image:
    """Grayscale, upscaled with LANCZOS, optionally black on white (contrast stretched, then cut at
    ``threshold``), with a white margin (Tesseract misses text that touches the edge)."""
    image = Image.open(picture) if isinstance(picture, Path) else picture
    gray = ImageOps.grayscale(image.convert("RGB"))
    big = gray.resize((gray.width * scale, gray.height * scale), Image.Resampling.LANCZOS)
    if threshold is not None:
        big = ImageOps.autocontrast(big).point(lambda v: 255 if v > threshold else 0)
    return ImageOps.expand(big, border=20 * scale, fill=255)


def read_text(picture: Image.Image | Path, reading: tuple[int, int | None, int] = READINGS[0]) -> str:
    """What Tesseract reads in a picture prepared as ``reading`` says (scale, threshold, --psm), as it reads it
    (a file read once per reading: several tests look at the same picture)."""
    if isinstance(picture, Path):
        return _read_file(str(picture), picture.stat().st_mtime_ns, reading)
    return _read(picture, reading)


@functools.cache
def _read_file(path: str, _mtime_ns: int, reading: tuple[int, int | None, int]) -> str:
    return _read(Path(path), reading)


def _read(picture: Image.Image | Path, reading: tuple[int, int | None, int]) -> str:
    command = require_tesseract()
    scale, threshold, psm = reading
    data = io.BytesIO()
    prepared(picture, scale, threshold).save(data, format="PNG")
    # One thread: Tesseract's OpenMP threads make one picture 2-3x slower on a small shared machine, not faster.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    done = subprocess.run([command, "stdin", "stdout", "--psm", str(psm), "-l", "eng"], input=data.getvalue(),
                          capture_output=True, timeout=120, check=False, env=env)
    if done.returncode != 0:
        raise AssertionError(f"tesseract failed ({done.returncode}): {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8", errors="replace")


def squeezed(text: str) -> str:
    """Text as compared: whitespace removed, case-folded, the usual confusions (``CONFUSIONS``) read back."""
    return re.sub(r"\s+", "", text).casefold().translate(CONFUSIONS)


def shows(text: str, value: str) -> bool:
    """Whether OCR'd ``text`` holds the whole ``value`` (compared ``squeezed``)."""
    return squeezed(value) in squeezed(text)


def reads_whole(picture: Path, value: str, readings: tuple[tuple[int, int | None, int], ...] = READINGS,
                ) -> tuple[bool, list[str]]:
    """Whether ``picture`` shows the whole ``value`` in one of its ``readings``; and the text of each reading made.

    Reading it more ways can only find what is drawn: a reading holds the value only where every character of
    it was read, in order, so a box that shows part of it never passes, however often it is read.
    """
    texts = []
    for reading in readings:
        texts.append(read_text(picture, reading))
        if shows(texts[-1], value):
            return True, texts
    return False, texts


def where_it_should_be(texts: list[str], value: str) -> str:
    """For a failure's message: the lines of each reading that hold the value's first characters (the box,
    cut or not), else the whole reading."""
    head = squeezed(value)[:8]
    shown = []
    for i, text in enumerate(texts):
        lines = [line.strip() for line in text.splitlines() if head in squeezed(line)]
        body = "\n      ".join(lines) if lines else "(no line starts like it) " + " | ".join(
            line.strip() for line in text.splitlines() if line.strip())
        scale, threshold, psm = READINGS[i]
        shown.append(f"    reading {i + 1} ({scale}x, {'black on white' if threshold else 'grayscale'}, --psm {psm}): {body}")
    return "\n".join(shown)


def ensure_tesseract() -> int:
    """Make sure a ``tesseract`` is there: Debian's package, through apt-get as root or ``sudo -n``."""
    found = tesseract_command()
    if found:
        print(f"Tesseract: {found}")
        return 0
    if shutil.which("apt-get"):
        from robot.browser import _apt_install  # the same apt-get (as root, or sudo -n) that installs Chromium

        _apt_install(PACKAGE)
    found = tesseract_command()
    if not found:
        print(f"error: no tesseract found: {INSTALL_HINT}", file=sys.stderr)
        return 2
    print(f"Tesseract: {found}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/ocr_helpers.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ensure", action="store_true", help="install Tesseract (Debian's tesseract-ocr) if none is found")
    args = parser.parse_args(argv)
    if args.ensure:
        return ensure_tesseract()
    found = tesseract_command()
    print(found or f"no tesseract found: {INSTALL_HINT}")
    return 0 if found else 2


if __name__ == "__main__":
    sys.exit(main())
