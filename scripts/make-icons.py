#!/usr/bin/env python3
"""Writes the web app's icons (assets/web/icon-192.png, icon-512.png): a navy square with a
white tick inside a rounded label, drawn pixel by pixel so no image library is needed.
Run once; the PNGs are committed and embedded by src/web/field.rs."""
import struct
import zlib


def png(size):
    navy, white, green = (0x1D, 0x35, 0x57), (0xFF, 0xFF, 0xFF), (0x0A, 0x6B, 0x2D)
    rows = []
    s = size
    # The tick: two strokes, as distances from line segments.
    a, b, c = (0.30 * s, 0.52 * s), (0.44 * s, 0.66 * s), (0.72 * s, 0.36 * s)
    width = 0.06 * s

    def near(p, q, x, y):
        px, py = q[0] - p[0], q[1] - p[1]
        t = max(0.0, min(1.0, ((x - p[0]) * px + (y - p[1]) * py) / (px * px + py * py)))
        dx, dy = x - (p[0] + t * px), y - (p[1] + t * py)
        return dx * dx + dy * dy <= width * width

    for y in range(s):
        row = bytearray([0])
        for x in range(s):
            inside = 0.16 * s <= x < 0.84 * s and 0.16 * s <= y < 0.84 * s
            if inside and (near(a, b, x, y) or near(b, c, x, y)):
                colour = green
            elif inside:
                colour = white
            else:
                colour = navy
            row += bytes(colour)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", s, s, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


for size in (192, 512):
    with open(f"assets/web/icon-{size}.png", "wb") as f:
        f.write(png(size))
