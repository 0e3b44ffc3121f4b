"""Tiny, valid media files for the emulated CDN, made with the standard library only.

``solid_jpeg`` writes a baseline JPEG of one colour (each 8x8 block has only a DC coefficient), so
every thumbnail is a real image that browsers and Pillow decode, with a colour derived from its URL.
"""

from __future__ import annotations

import hashlib
import struct

# Standard DC luminance Huffman table (JPEG Annex K.3): code lengths 1..16 and symbols.
_DC_BITS = bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
_DC_VALS = bytes(range(12))
# A one-symbol AC table: only end-of-block (0x00), coded as "0".
_AC_BITS = bytes([1] + [0] * 15)
_AC_VALS = bytes([0])


def _dc_codes() -> dict[int, str]:
    codes: dict[int, str] = {}
    code = 0
    k = 0
    for length, count in enumerate(_DC_BITS, start=1):
        for _ in range(count):
            codes[_DC_VALS[k]] = format(code, f"0{length}b")
            code += 1
            k += 1
        code <<= 1
    return codes


_DC_CODES = _dc_codes()


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload


def _encode_dc(diff: int) -> str:
    if diff == 0:
        return _DC_CODES[0]
    size = abs(diff).bit_length()
    value = diff if diff > 0 else diff + (1 << size) - 1
    return _DC_CODES[size] + format(value, f"0{size}b")


def solid_jpeg(rgb: tuple[int, int, int], width: int = 64, height: int = 64) -> bytes:
    """A baseline JPEG of ``width`` x ``height`` pixels (multiples of 8) filled with ``rgb``."""
    r, g, b = rgb
    ycc = (
        0.299 * r + 0.587 * g + 0.114 * b,
        128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
        128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
    )
    # with a quantisation table of 8s, the quantised DC coefficient is value - 128
    dcs = [max(-127, min(127, round(v) - 128)) for v in ycc]
    blocks = (width // 8) * (height // 8)
    bits = []
    previous = [0, 0, 0]
    for _ in range(blocks):
        for comp in range(3):
            bits.append(_encode_dc(dcs[comp] - previous[comp]))
            bits.append("0")  # EOB
            previous[comp] = dcs[comp]
    stream = "".join(bits)
    stream += "1" * (-len(stream) % 8)
    data = bytearray()
    for i in range(0, len(stream), 8):
        byte = int(stream[i:i + 8], 2)
        data.append(byte)
        if byte == 0xFF:
            data.append(0x00)
    out = bytearray(b"\xff\xd8")
    out += _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    out += _segment(0xDB, b"\x00" + bytes([8] * 64))
    out += _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    out += _segment(0xC4, b"\x00" + _DC_BITS + _DC_VALS + b"\x10" + _AC_BITS + _AC_VALS)
    out += _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00")
    out += bytes(data)
    out += b"\xff\xd9"
    return bytes(out)


def colour_for(key: str) -> tuple[int, int, int]:
    digest = hashlib.sha1(key.encode()).digest()
    return (64 + digest[0] % 160, 64 + digest[1] % 160, 64 + digest[2] % 160)


def tiny_mp4() -> bytes:
    """An MP4 container with just its ftyp and an empty mdat box (enough for type sniffing)."""
    ftyp = b"ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 8) + b"mdat"
