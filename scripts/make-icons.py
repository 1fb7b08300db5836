#!/usr/bin/env python3
"""Draws the app icons (PNG) without any imaging library: public/icons/*.png.
A green field (safe for maskable crops) with a large white and a small yellow
circle — one old, one young."""
import struct, zlib, os

GREEN, WHITE, YELLOW = (11, 110, 79), (255, 255, 255), (255, 209, 102)

def png(path, size, pad):
    rows = []
    c_big, r_big = (size * 0.40, size * 0.46), size * (0.22 - pad * 0.2)
    c_small, r_small = (size * 0.66, size * 0.58), size * (0.14 - pad * 0.12)
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            px = GREEN
            if (x - c_big[0]) ** 2 + (y - c_big[1]) ** 2 <= r_big ** 2:
                px = WHITE
            if (x - c_small[0]) ** 2 + (y - c_small[1]) ** 2 <= r_small ** 2:
                px = YELLOW
            row += bytes(px)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)

os.makedirs("public/icons", exist_ok=True)
png("public/icons/icon-192.png", 192, 0.0)
png("public/icons/icon-512.png", 512, 0.0)
png("public/icons/maskable-512.png", 512, 0.25)
