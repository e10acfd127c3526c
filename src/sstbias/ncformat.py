"""Recognising netCDF files by their bytes alone (standard library only, cheap to import in download jobs).

Checks the signature (netCDF-3 classic CDF-1/2/5 or netCDF-4/HDF5), recognises HTML/text error pages, and
compares the file length with the length its header announces. The length check matters for netCDF-3: the
netCDF-C library opens a truncated classic file without error and returns zeros for the missing bytes, which
decode to plausible temperatures (0 packed = 20.0 degC in HYCOM).
For netCDF-4 the HDF5 superblock's end-of-file address gives the same check.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from sstbias.errors import InputDataError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
CLASSIC_VERSIONS = {1: "CDF-1 classic", 2: "CDF-2 64-bit offset", 5: "CDF-5 64-bit data"}
NETCDF_MAGIC = tuple(b"CDF" + bytes([version]) for version in CLASSIC_VERSIONS) + (HDF5_SIGNATURE,)

# nc_type code -> bytes per value (CDF-5 adds the unsigned and 64-bit types)
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1, 8: 2, 9: 4, 10: 8, 11: 8}
_TAG_DIMENSION, _TAG_VARIABLE, _TAG_ATTRIBUTE = 0x0A, 0x0B, 0x0C
_STREAMING, _STREAMING_64 = 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF  # numrecs of a file still being written
_SNIPPET_BYTES = 80


def check_netcdf_bytes(path: str | os.PathLike) -> Path:
    """Raise InputDataError naming ``path`` unless it is a non-empty netCDF-3/4 file as long as its header says.

    Recognised problems: missing or empty file, an HTML/XML/text error page, an unknown signature, and a file
    shorter than its header announces (truncated download).
    """
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"{path}: file not found")
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head:
        raise InputDataError(f"{path}: empty file")
    stripped = head.lstrip()
    if stripped.startswith(b"<") or (not head.startswith(NETCDF_MAGIC) and _looks_like_text(head)):
        snippet = stripped[:_SNIPPET_BYTES].decode("utf-8", "replace").replace("\n", " ")
        raise InputDataError(f"{path}: an HTML/text error page, not netCDF (starts with {snippet!r})")
    if not head.startswith(NETCDF_MAGIC):
        raise InputDataError(f"{path}: not a netCDF file (unknown signature {head[:8]!r})")
    actual = path.stat().st_size
    expected = expected_size(path)
    if expected is not None and actual < expected:
        raise InputDataError(
            f"{path}: truncated netCDF file ({actual} bytes, its header announces at least {expected} bytes)"
        )
    return path


def _looks_like_text(head: bytes) -> bool:
    """True for printable ASCII/UTF-8 text (an error message), false for binary data."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def expected_size(path: str | os.PathLike) -> int | None:
    """The minimum length in bytes that the header of the netCDF file at ``path`` announces.

    netCDF-3: the end of the last byte of data of the fixed and record variables (``numrecs`` records).
    netCDF-4: the HDF5 superblock's end-of-file address. ``None`` when the header does not say (a streamed
    classic file whose record count is unknown, an HDF5 superblock version this parser does not know).
    Raises InputDataError when the header itself is cut short or malformed.
    """
    path = Path(path)
    with path.open("rb") as handle:
        magic = handle.read(4)
        try:
            if magic[:3] == b"CDF":
                return _classic_expected_size(handle, magic[3])
            if magic + handle.read(4) == HDF5_SIGNATURE:
                return _hdf5_expected_size(handle)
        except (struct.error, EOFError, ValueError) as err:
            raise InputDataError(f"{path}: truncated or malformed netCDF header ({err})") from err
    return None


class _Reader:
    """Big-endian reads of the classic header's fields; ``wide`` counts are 8 bytes in CDF-5."""

    def __init__(self, handle: BinaryIO, version: int) -> None:
        self.handle = handle
        self.count_format = ">Q" if version == 5 else ">I"
        self.offset_format = ">I" if version == 1 else ">Q"

    def read(self, size: int) -> bytes:
        data = self.handle.read(size)
        if len(data) != size:
            raise EOFError(f"header ends after {self.handle.tell()} bytes")
        return data

    def unpack(self, fmt: str) -> int:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def count(self) -> int:
        return self.unpack(self.count_format)

    def int32(self) -> int:
        return self.unpack(">I")

    def skip_padded(self, size: int) -> None:
        self.read(size + (-size % 4))

    def name(self) -> None:
        self.skip_padded(self.count())

    def list_header(self, tag: int) -> int:
        """Number of elements of a dim/att/var list (0 when ABSENT)."""
        found, n = self.int32(), self.count()
        if found not in (0, tag):
            raise ValueError(f"unexpected list tag {found:#x} (wanted {tag:#x})")
        return n

    def attributes(self) -> None:
        for _ in range(self.list_header(_TAG_ATTRIBUTE)):
            self.name()
            nc_type = self.int32()
            self.skip_padded(self.count() * _type_size(nc_type))


def _type_size(nc_type: int) -> int:
    if nc_type not in _TYPE_SIZES:
        raise ValueError(f"unknown nc_type {nc_type}")
    return _TYPE_SIZES[nc_type]


def _classic_expected_size(handle: BinaryIO, version: int) -> int | None:
    if version not in CLASSIC_VERSIONS:
        raise ValueError(f"unknown classic format version {version}")
    reader = _Reader(handle, version)
    numrecs = reader.count()
    dims = []
    for _ in range(reader.list_header(_TAG_DIMENSION)):
        reader.name()
        dims.append(reader.count())
    reader.attributes()
    fixed_ends, record_vars = [], []  # record_vars: (begin, bytes per record)
    for _ in range(reader.list_header(_TAG_VARIABLE)):
        reader.name()
        dim_ids = [reader.count() for _ in range(reader.count())]
        reader.attributes()
        value_size = _type_size(reader.int32())
        reader.count()  # vsize: recomputed below (it saturates for variables over 4 GiB)
        begin = reader.unpack(reader.offset_format)
        is_record = bool(dim_ids) and dims[dim_ids[0]] == 0
        size = value_size
        for dim_id in dim_ids[1:] if is_record else dim_ids:
            size *= dims[dim_id]
        if is_record:
            record_vars.append((begin, size))
        else:
            fixed_ends.append(begin + size)
    ends = list(fixed_ends)
    if record_vars:
        if numrecs == (_STREAMING_64 if version == 5 else _STREAMING):
            return max(ends) if ends else None
        # one record variable is stored unpadded; several are each padded to 4 bytes within a record
        padded = [size if len(record_vars) == 1 else size + (-size % 4) for _, size in record_vars]
        record_size = sum(padded)
        if numrecs:
            ends += [begin + (numrecs - 1) * record_size + size for begin, size in record_vars]
    return max(ends) if ends else None


def _hdf5_expected_size(handle: BinaryIO) -> int | None:
    """End-of-file address of an HDF5 superblock found at offset 0 (versions 0 to 3).

    Every field is read with :func:`_exact`, so a file cut inside the superblock (even right after the 8-byte
    signature) raises EOFError, reported by :func:`expected_size` as a truncated header.
    """
    version = _exact(handle, 1)[0]
    if version in (0, 1):
        _exact(handle, 4)  # free-space, root symbol table, reserved, shared header versions
        offset_size = _exact(handle, 1)[0]
        _exact(handle, 1 + 1 + 4 + 4)  # length size, reserved, leaf/internal node K, consistency flags
        if version == 1:
            _exact(handle, 4)  # indexed storage K, reserved
        base, _free_space, eof = (_unsigned(handle, offset_size) for _ in range(3))
    elif version in (2, 3):
        offset_size = _exact(handle, 1)[0]
        _exact(handle, 2)  # length size, consistency flags
        base, _extension, eof = (_unsigned(handle, offset_size) for _ in range(3))
    else:
        return None
    return base + eof


def _exact(handle: BinaryIO, size: int) -> bytes:
    """The next ``size`` bytes of ``handle``; EOFError when the file ends before."""
    data = handle.read(size)
    if len(data) != size:
        raise EOFError("HDF5 superblock cut short")
    return data


def _unsigned(handle: BinaryIO, size: int) -> int:
    return int.from_bytes(_exact(handle, size), "little")
