#!/usr/bin/env python3
"""Writes the small image fixtures in fixtures/ (run from the repository root).

Every fixture is derived from samples/chelsea.png, so anyone can regenerate them with Pillow.
"""
import io
import struct
import zlib

import numpy

from PIL import Image

SRC = Image.open("samples/chelsea.png").convert("RGB").resize((45, 30), Image.LANCZOS)


def save(name, image, **options):
    image.save(f"fixtures/{name}", **options)


save("rgb.png", SRC)
save("grey.png", SRC.convert("L"))
save("grey16.png", Image.fromarray(numpy.asarray(SRC.convert("L"), dtype=numpy.uint16) * 257))
save("palette.png", SRC.convert("P", palette=Image.ADAPTIVE, colors=16))
rgba = SRC.convert("RGBA")
rgba.putalpha(Image.linear_gradient("L").resize(SRC.size))
save("rgba.png", rgba)
save("baseline.jpg", SRC, quality=90)
save("progressive.jpg", SRC, quality=90, progressive=True)
save("grey.jpg", SRC.convert("L"), quality=90)
save("cmyk.jpg", SRC.convert("CMYK"), quality=95)
# EXIF orientation 6: the stored pixels are shown rotated 90° clockwise.
exif = Image.Exif()
exif[0x0112] = 6
save("orientation6.jpg", SRC, quality=95, exif=exif.tobytes())


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A PNG whose header claims 100000×100000 pixels: must be refused before any allocation.
huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
huge += chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")
open("fixtures/huge-header.png", "wb").write(huge)

# A PNG with a broken IDAT CRC.
buffer = io.BytesIO()
SRC.save(buffer, format="PNG")
data = bytearray(buffer.getvalue())
idat = data.find(b"IDAT")
length = struct.unpack(">I", data[idat - 4:idat])[0]
data[idat + 4 + length] ^= 0xFF
open("fixtures/bad-crc.png", "wb").write(bytes(data))

open("fixtures/not-an-image.txt", "wb").write(b"hello, this is not an image\n")
open("fixtures/empty.png", "wb").write(b"")

# An sRGB ICC profile (LittleCMS's built-in, 588 bytes): the colour profile of the metadata tests.
from PIL import ImageCms
open("fixtures/srgb.icc", "wb").write(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())

# A PNG carrying that profile and an XMP packet: the golden file with metadata chunks.
from PIL import PngImagePlugin
info = PngImagePlugin.PngInfo()
info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>')
SRC.save("fixtures/rgb-icc.png", icc_profile=open("fixtures/srgb.icc", "rb").read(), pnginfo=info)
