"""Turn the bytes of a text export into UTF-8, detecting the encoding the way real exports arrive.

Order of evidence: a byte-order mark; an explicit ``--encoding``; BOM-less UTF-16 (NUL in every other
byte); valid UTF-8; otherwise a legacy single-byte code page, chosen only when the text (or its
header or country column) decides it, among those CRM exports use (:mod:`crmclean.io.codepage`).
A file that is valid UTF-8 for a while and then is not is *mixed*: that is an error with a line
number, not a guess, because decoding half a file wrongly corrupts names silently.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import polars as pl

from crmclean.errors import InputError
from crmclean.io import codepage

# Legacy code pages we consider when a file is not UTF-8, most likely first for CRM exports.
LEGACY_ENCODINGS = codepage.CANDIDATES

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Decoded:
    data: bytes  # UTF-8, without BOM
    encoding: str  # what the source was, as a Python codec name
    note: str = ""  # how a single-byte code page was settled, when the text alone did not


def line_of(data: bytes, offset: int) -> int:
    """1-based physical line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def _canonical(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(
            f"unknown encoding {name!r}",
            hint="use a Python codec name such as utf-8, cp1251, utf-16",
        ) from None


def _is_utf8(data: bytes) -> bool:
    # Polars validates UTF-8 in native code, ~10x faster than a Python decode of a large file.
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.PolarsError:
        return False
    return True


def _decode_strict(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            f"byte 0x{raw[err.start]:02x} at offset {err.start} is not valid {encoding}",
            file=name,
            line=line_of(raw, err.start),
            hint="pass --encoding with the file's real encoding",
        ) from None


def _looks_utf16(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _detect_legacy(raw: bytes, name: str) -> str:
    """The single-byte code page of ``raw``, when the text decides it (see :mod:`.codepage`)."""
    return codepage.choose(raw[: 1 << 20], name).encoding


def decode_to_utf8(raw: bytes, name: str, encoding: str | None = None) -> Decoded:
    """Return ``raw`` as UTF-8 bytes without BOM, with the detected (or forced) source encoding."""
    for bom, enc in _BOMS:
        if raw.startswith(bom) and (encoding is None or _canonical(encoding).startswith(enc[:6])):
            text = _decode_strict(raw[len(bom) :], enc.replace("-sig", ""), name)
            return Decoded(text.encode("utf-8"), enc)
    if encoding is not None:
        enc = _canonical(encoding)
        if enc == "utf-8":
            if not _is_utf8(raw):
                _decode_strict(raw, "utf-8", name)  # raises with the location
            return Decoded(raw, "utf-8")
        return Decoded(_decode_strict(raw, enc, name).encode("utf-8"), enc)

    utf16 = _looks_utf16(raw)
    if utf16:
        return Decoded(_decode_strict(raw, utf16, name).encode("utf-8"), utf16)
    if _is_utf8(raw):
        return Decoded(raw, "utf-8")

    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = err.start
    if not raw[:bad].isascii():
        raise InputError(
            f"byte 0x{raw[bad]:02x} is not valid UTF-8, but the text before it is UTF-8: "
            "the file mixes encodings",
            file=name,
            line=line_of(raw, bad),
            hint="re-export the file as UTF-8, or pass --encoding to force one encoding",
        )
    choice = codepage.choose(raw[: 1 << 20], name)
    note = f"encoding {choice.encoding} chosen from {choice.reason}" if choice.reason else ""
    return Decoded(_decode_strict(raw, choice.encoding, name).encode("utf-8"), choice.encoding, note)
