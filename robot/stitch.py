"""A tall page's picture in strips, laid top to bottom into one PNG.

Chromium draws a full-page screenshot as one raster, held at once in the browser, and MaxMD's
workflow list grows with the practice: at a few hundred providers it was the largest spike of a
run's memory. Strips of ``STRIP_PX`` are drawn one at a time, and only one is decoded here
at a time; the PNG is written as it goes (rows unfiltered, one zlib stream), so memory holds one
strip and the compressed picture, never the whole page's pixels.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable

from PIL import Image

STRIP_PX = 2000  # a strip's height: a few windows, so few captures, each a small raster
# A picture's widest: over three windows of 1280, wider than anything a reviewer reads across; a page
# wider than this is a value run off its edge (a 12,000-character name drew 103,623 px, 800 MB a strip).
MAX_WIDTH_PX = 4096
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IDAT_BYTES = 1 << 20  # a chunk of the compressed rows


def strips(width: int, height: int, step: int | None = None) -> list[dict]:
    """The clips (page coordinates) that cover a page of ``width`` x ``height``, top to bottom; no wider
    than ``MAX_WIDTH_PX`` (the page's left part, where its words start)."""
    step = step or STRIP_PX
    width = min(width, MAX_WIDTH_PX)
    return [{"x": 0, "y": y, "width": width, "height": min(step, height - y)} for y in range(0, height, step)]


def stitch(pictures: Iterable[bytes]) -> bytes:
    """One PNG of ``pictures`` (PNGs, decoded one at a time) top to bottom, as wide as the first.

    A narrower picture is padded with white on the right and a wider one cut: the strips of one page
    are all one width, so this only matters for a page that changed width while it was taken.
    """
    width = height = 0
    rows = zlib.compressobj(6)
    compressed: list[bytes] = []
    for data in pictures:
        with Image.open(io.BytesIO(data)) as picture:
            strip = picture.convert("RGB")
        if not width:
            width = strip.width
        elif strip.width != width:
            padded = Image.new("RGB", (width, strip.height), "white")
            padded.paste(strip, (0, 0))
            strip = padded
        stride = width * 3
        raw = memoryview(strip.tobytes())
        for start in range(0, len(raw), stride):
            compressed.append(rows.compress(b"\0"))  # filter type 0: the row as it is
            compressed.append(rows.compress(raw[start:start + stride]))
        height += strip.height
        del strip, raw
    if not height:
        raise ValueError("no pictures to stitch")
    compressed.append(rows.flush())
    idat = b"".join(compressed)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, not interlaced
    return b"".join([_SIGNATURE, _chunk(b"IHDR", header),
                     *(_chunk(b"IDAT", idat[i:i + _IDAT_BYTES]) for i in range(0, len(idat), _IDAT_BYTES)),
                     _chunk(b"IEND", b"")])


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))



def bands(clips: list[dict], height: int | None = None) -> list[tuple[dict, list[int]]]:
    """``clips`` (page coordinates) gathered into bands of at most ``height`` (default ``STRIP_PX``) and
    ``MAX_WIDTH_PX``, top to bottom: each band one capture, each clip cut from its band's. A band lists
    the indexes of its clips; a clip taller than a band is a band of its own."""
    height = height or STRIP_PX
    found: list[tuple[dict, list[int]]] = []
    for i in sorted(range(len(clips)), key=lambda i: (clips[i]["y"], clips[i]["x"])):
        c = clips[i]
        if found:
            band, members = found[-1]
            left, right = min(band["x"], c["x"]), max(band["x"] + band["width"], c["x"] + c["width"])
            bottom = max(band["y"] + band["height"], c["y"] + c["height"])
            if bottom - band["y"] <= height and right - left <= MAX_WIDTH_PX:
                band.update(x=left, width=right - left, height=bottom - band["y"])
                members.append(i)
                continue
        found.append(({k: c[k] for k in ("x", "y", "width", "height")}, [i]))
    return found


def cut(picture: Image.Image, band: dict, clip: dict) -> bytes:
    """The part of ``picture`` (a capture of ``band``, one pixel a CSS pixel) at ``clip``, as a PNG."""
    left, top = round(clip["x"] - band["x"]), round(clip["y"] - band["y"])
    box = (max(0, left), max(0, top), min(picture.width, left + round(clip["width"])), min(picture.height, top + round(clip["height"])))
    out = io.BytesIO()
    picture.crop(box).save(out, format="PNG", compress_level=1)  # as fast as Chromium's own (optimizeForSpeed)
    return out.getvalue()
