"""Hostile files for the tests, built for real: zip archives that unpack to far more than they
weigh, or that lie about their sizes."""

import io
import struct
import zipfile

MB = 1024 * 1024


def zip_with(members: dict[str, bytes | int]) -> bytes:
    """A deflated zip: a member given as bytes holds them, one given as a number holds that many
    zero bytes, written a megabyte at a time (a 1 GB member never sits in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=content > 2**31) as member:
                for start in range(0, content, MB):
                    member.write(bytes(min(MB, content - start)))
    return buffer.getvalue()


def understated(archive: bytes, name: str, declared: int) -> bytes:
    """The archive with `name` declaring `declared` bytes unpacked, in its local header and in
    the central directory, while its data still unpacks to the real size."""
    data = bytearray(archive)
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_offset : start + name_offset + len(encoded)] == encoded:
                struct.pack_into("<I", data, start + size_offset, declared)
            start += 4
    return bytes(data)
