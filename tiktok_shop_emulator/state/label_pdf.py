"""A small, valid PDF shipping label, written with the standard library only.

The emulator has to hand out a document a host can save, open and print; a real PDF library would be a new
dependency for one page of text and bars. The file is PDF 1.4 with one page, the built-in Helvetica font and
a cross-reference table whose byte offsets are computed, so strict readers open it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

# Page sizes in points (1/72 inch) for the sizes Get Package Shipping Document accepts.
PAGE_SIZES: dict[str, tuple[int, int]] = {"A6": (298, 420), "A5": (420, 595), "A4": (595, 842)}


def _escape(text: str) -> str:
    # Helvetica's standard encoding covers Latin-1; anything else is replaced rather than corrupting the page.
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _barcode(value: str, x: int, y: int, width: int, height: int) -> list[str]:
    # Not a scannable symbology: bars whose pattern follows the tracking number, so every label looks distinct.
    bits = "".join(f"{byte:08b}" for byte in hashlib.sha256(value.encode()).digest())
    bar = width / len(bits[:96])
    return [f"{x + i * bar:.2f} {y} {bar:.2f} {height} re f" for i, bit in enumerate(bits[:96]) if bit == "1"]


def label_pdf(title: str, lines: Sequence[str], barcode_value: str, size: str = "A6") -> bytes:
    """One page: a bold title, the text lines, and a bar pattern for ``barcode_value``."""
    width, height = PAGE_SIZES.get(size, PAGE_SIZES["A6"])
    ops = ["0 g", "2 w", f"12 12 {width - 24} {height - 24} re S"]
    ops.append(f"BT /F2 16 Tf 24 {height - 44} Td ({_escape(title)}) Tj ET")
    y = height - 72
    for line in lines:
        ops.append(f"BT /F1 10 Tf 24 {y} Td ({_escape(line)}) Tj ET")
        y -= 15
    ops.extend(_barcode(barcode_value, 24, 48, width - 48, 60))
    ops.append(f"BT /F1 9 Tf 24 32 Td ({_escape(barcode_value)}) Tj ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>"
        ).encode(),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
