"""Encoding for the Program Metadata program (ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S), where Anchor 1.x keeps
program IDLs: instruction builders, the 96-byte account headers, the PDAs, and the packing of the content
(encoding, then compression). Written from the program's published interface description (its Codama IDL); the same
bytes work against that program and against ours (programs/program_metadata), which clusters without it are loaded
with at the same address.

Accounts the interface marks optional are passed as the program's own id when absent.
"""
from __future__ import annotations

import base64
import gzip
import zlib
from dataclasses import dataclass
from enum import IntEnum

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

PROGRAM_METADATA_ID = Pubkey.from_string("ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S")
SYSTEM_PROGRAM_ID = Pubkey.from_string("11111111111111111111111111111111")
UPGRADEABLE_LOADER_ID = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")
RENT_SYSVAR_ID = Pubkey.from_string("SysvarRent111111111111111111111111111111111")

HEADER_LEN = 96
SEED_LEN = 16
IDL_SEED = "idl"  # what Anchor 1.x and the program-metadata CLI use for a program's IDL
#: the most one instruction may grow an account by (the runtime's MAX_PERMITTED_DATA_INCREASE)
MAX_GROWTH_PER_INSTRUCTION = 10_240
#: external data: address [32], offset u32, length u32
EXTERNAL_DATA_LEN = 40


class Ix(IntEnum):
    """Instruction numbers: the first byte of the instruction data."""

    WRITE = 0
    INITIALIZE = 1
    SET_AUTHORITY = 2
    SET_DATA = 3
    SET_IMMUTABLE = 4
    TRIM = 5
    CLOSE = 6
    ALLOCATE = 7
    EXTEND = 8


class AccountKind(IntEnum):
    EMPTY = 0
    BUFFER = 1
    METADATA = 2


class Encoding(IntEnum):
    NONE = 0
    UTF8 = 1
    BASE58 = 2
    BASE64 = 3


class Compression(IntEnum):
    NONE = 0
    GZIP = 1
    ZLIB = 2


class Format(IntEnum):
    NONE = 0
    JSON = 1
    YAML = 2
    TOML = 3


class DataSource(IntEnum):
    DIRECT = 0
    URL = 1
    EXTERNAL = 2


#: the interface's own error codes (Custom(n)); other failures are the runtime's standard errors
ERRORS = {
    0: ("NotExecutableAccount", "The program account is not executable"),
    1: ("InvalidProgramState", "The program state is invalid"),
    2: ("InvalidProgramDataAccount", "The program data account is invalid"),
    3: ("ImmutableMetadataAccount", "The metadata account is immutable"),
    4: ("InvalidDataLength", "The account data length is invalid"),
}

# Metadata header: byte offset of each field (the data follows at HEADER_LEN)
METADATA_OFFSETS = {"discriminator": 0, "program": 1, "authority": 33, "mutable": 65, "canonical": 66, "seed": 67,
                    "encoding": 83, "compression": 84, "format": 85, "data_source": 86, "data_length": 87,
                    "padding": 91}
# Buffer header
BUFFER_OFFSETS = {"discriminator": 0, "program": 1, "authority": 33, "canonical": 65, "seed": 66, "padding": 82}


def seed_bytes(seed: str | bytes) -> bytes:
    """The 16-byte seed: UTF-8, zero-padded on the right."""
    raw = seed.encode() if isinstance(seed, str) else bytes(seed)
    if len(raw) > SEED_LEN:
        raise ValueError(f"seed {seed!r} is {len(raw)} bytes; at most {SEED_LEN}")
    return raw.ljust(SEED_LEN, b"\0")


def canonical_address(program: Pubkey, seed: str | bytes = IDL_SEED,
                      metadata_program: Pubkey = PROGRAM_METADATA_ID) -> Pubkey:
    """The metadata account managed by the program's upgrade authority: PDA [program, seed]."""
    return Pubkey.find_program_address([bytes(program), seed_bytes(seed)], metadata_program)[0]


def non_canonical_address(program: Pubkey, authority: Pubkey, seed: str | bytes = IDL_SEED,
                          metadata_program: Pubkey = PROGRAM_METADATA_ID) -> Pubkey:
    """A third party's metadata account about `program`: PDA [program, authority, seed]."""
    return Pubkey.find_program_address([bytes(program), bytes(authority), seed_bytes(seed)], metadata_program)[0]


def programdata_address(program: Pubkey) -> Pubkey:
    return Pubkey.find_program_address([bytes(program)], UPGRADEABLE_LOADER_ID)[0]


def upgrade_authority_of(program_account_data: bytes, programdata_account_data: bytes | None) -> Pubkey | None:
    """The upgrade authority recorded in an upgradeable program's ProgramData (None: immutable program)."""
    if programdata_account_data is None or len(programdata_account_data) < 45:
        return None
    if programdata_account_data[12] != 1:
        return None
    return Pubkey.from_bytes(programdata_account_data[13:45])


# ----------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class MetadataHeader:
    program: Pubkey
    authority: Pubkey | None
    mutable: bool
    canonical: bool
    seed: bytes
    encoding: Encoding
    compression: Compression
    format: Format
    data_source: DataSource
    data_length: int

    @property
    def seed_text(self) -> str:
        return self.seed.rstrip(b"\0").decode(errors="replace")


@dataclass(frozen=True)
class BufferHeader:
    program: Pubkey | None
    authority: Pubkey | None
    canonical: bool
    seed: bytes


def _optional_key(raw: bytes) -> Pubkey | None:
    return None if raw == bytes(32) else Pubkey.from_bytes(raw)


def account_kind(data: bytes) -> AccountKind | None:
    """None for an account without data or with an unknown discriminator."""
    if not data:
        return None
    try:
        return AccountKind(data[0])
    except ValueError:
        return None


def decode_metadata_header(data: bytes) -> MetadataHeader:
    if len(data) < HEADER_LEN or data[0] != AccountKind.METADATA:
        raise ValueError(f"not a metadata account ({len(data)} bytes, discriminator {data[:1].hex() or 'none'})")
    o = METADATA_OFFSETS
    return MetadataHeader(
        program=Pubkey.from_bytes(data[o["program"]:o["program"] + 32]),
        authority=_optional_key(data[o["authority"]:o["authority"] + 32]),
        mutable=data[o["mutable"]] != 0, canonical=data[o["canonical"]] != 0,
        seed=bytes(data[o["seed"]:o["seed"] + SEED_LEN]),
        encoding=Encoding(data[o["encoding"]]), compression=Compression(data[o["compression"]]),
        format=Format(data[o["format"]]), data_source=DataSource(data[o["data_source"]]),
        data_length=int.from_bytes(data[o["data_length"]:o["data_length"] + 4], "little"))


def decode_buffer_header(data: bytes) -> BufferHeader:
    if len(data) < HEADER_LEN or data[0] != AccountKind.BUFFER:
        raise ValueError(f"not a buffer account ({len(data)} bytes, discriminator {data[:1].hex() or 'none'})")
    o = BUFFER_OFFSETS
    return BufferHeader(program=_optional_key(data[o["program"]:o["program"] + 32]),
                        authority=_optional_key(data[o["authority"]:o["authority"] + 32]),
                        canonical=data[o["canonical"]] != 0, seed=bytes(data[o["seed"]:o["seed"] + SEED_LEN]))


def metadata_data(data: bytes) -> bytes:
    """The stored bytes after the header (data_length of them)."""
    header = decode_metadata_header(data)
    if HEADER_LEN + header.data_length > len(data):
        raise ValueError(f"data_length {header.data_length} runs past the account's {len(data)} bytes")
    return bytes(data[HEADER_LEN:HEADER_LEN + header.data_length])


# ----------------------------------------------------------------------------- content


def pack_content(content: bytes, encoding: Encoding = Encoding.UTF8,
                 compression: Compression = Compression.ZLIB) -> bytes:
    """What the program stores for `content`: encoded (utf8/none: as is; base64 text), then compressed."""
    if encoding == Encoding.BASE64:
        content = base64.b64encode(content)
    elif encoding == Encoding.BASE58:
        raise ValueError("base58 encoding is not used for IDLs; use utf8")
    if compression == Compression.ZLIB:
        return zlib.compress(content, 9)
    if compression == Compression.GZIP:
        return gzip.compress(content, mtime=0)
    return content


def unpack_content(stored: bytes, encoding: Encoding, compression: Compression) -> bytes:
    """The inverse of :func:`pack_content` (raises ValueError naming what failed)."""
    try:
        if compression == Compression.ZLIB:
            stored = zlib.decompress(stored)
        elif compression == Compression.GZIP:
            stored = gzip.decompress(stored)
    except (zlib.error, OSError, EOFError) as e:
        raise ValueError(f"the data does not decompress as {compression.name.lower()}: {e}") from None
    if encoding == Encoding.BASE64:
        return base64.b64decode(stored)
    if encoding == Encoding.BASE58:
        raise ValueError("base58-encoded content is not supported here (IDLs are utf8)")
    return stored


# ----------------------------------------------------------------------------- instructions


def _ix(data: bytes, metas: list[AccountMeta], program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    return Instruction(program, data, metas)


def _optional(key: Pubkey | None, program: Pubkey, writable: bool = False) -> AccountMeta:
    return AccountMeta(key or program, False, writable and key is not None)


def ix_write(buffer: Pubkey, authority: Pubkey, offset: int, data: bytes = b"", source_buffer: Pubkey | None = None,
             program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    """Write: bytes at `offset` of a buffer's data (or, with no bytes, the data of `source_buffer`)."""
    return _ix(bytes([Ix.WRITE]) + offset.to_bytes(4, "little") + data,
               [AccountMeta(buffer, False, True), AccountMeta(authority, True, False),
                _optional(source_buffer, program)], program)


def ix_initialize(metadata: Pubkey, authority: Pubkey, target_program: Pubkey, seed: str | bytes = IDL_SEED,
                  encoding: Encoding = Encoding.UTF8, compression: Compression = Compression.ZLIB,
                  format: Format = Format.JSON, data_source: DataSource = DataSource.DIRECT,
                  data: bytes | None = None, programdata: Pubkey | None = None,
                  program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    """Initialize: with `data` the account is created from it; without, a buffer already at `metadata` becomes
    the metadata. `programdata` given = canonical (the authority must be the upgrade authority)."""
    args = seed_bytes(seed) + bytes([encoding, compression, format, data_source]) + (data or b"")
    return _ix(bytes([Ix.INITIALIZE]) + args,
               [AccountMeta(metadata, False, True), AccountMeta(authority, True, False),
                AccountMeta(target_program, False, False), _optional(programdata, program),
                AccountMeta(SYSTEM_PROGRAM_ID if data else program, False, False)], program)


def _managed(account: Pubkey, authority: Pubkey, target_program: Pubkey | None, programdata: Pubkey | None,
             program: Pubkey) -> list[AccountMeta]:
    return [AccountMeta(account, False, True), AccountMeta(authority, True, False),
            _optional(target_program, program), _optional(programdata, program)]


def ix_set_authority(account: Pubkey, authority: Pubkey, new_authority: Pubkey | None,
                     target_program: Pubkey | None = None, programdata: Pubkey | None = None,
                     program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    option = b"\x01" + bytes(new_authority) if new_authority is not None else b"\x00"
    return _ix(bytes([Ix.SET_AUTHORITY]) + option,
               _managed(account, authority, target_program, programdata, program), program)


def ix_set_data(metadata: Pubkey, authority: Pubkey, encoding: Encoding = Encoding.UTF8,
                compression: Compression = Compression.ZLIB, format: Format = Format.JSON,
                data_source: DataSource | None = DataSource.DIRECT, data: bytes | None = None,
                buffer: Pubkey | None = None, target_program: Pubkey | None = None,
                programdata: Pubkey | None = None, program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    """SetData: new descriptors and, when `data_source` is given, new data (inline `data` or `buffer`'s)."""
    args = bytes([encoding, compression, format])
    if data_source is not None:
        args += bytes([data_source]) + (data or b"")
    return _ix(bytes([Ix.SET_DATA]) + args,
               [AccountMeta(metadata, False, True), AccountMeta(authority, True, False),
                _optional(buffer, program, writable=True), _optional(target_program, program),
                _optional(programdata, program)], program)


def ix_set_immutable(metadata: Pubkey, authority: Pubkey, target_program: Pubkey | None = None,
                     programdata: Pubkey | None = None, program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    return _ix(bytes([Ix.SET_IMMUTABLE]), _managed(metadata, authority, target_program, programdata, program), program)


def ix_trim(account: Pubkey, authority: Pubkey, destination: Pubkey, target_program: Pubkey | None = None,
            programdata: Pubkey | None = None, program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    return _ix(bytes([Ix.TRIM]), _managed(account, authority, target_program, programdata, program)
               + [AccountMeta(destination, False, True), AccountMeta(RENT_SYSVAR_ID, False, False)], program)


def ix_close(account: Pubkey, authority: Pubkey, destination: Pubkey, target_program: Pubkey | None = None,
             programdata: Pubkey | None = None, program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    return _ix(bytes([Ix.CLOSE]), _managed(account, authority, target_program, programdata, program)
               + [AccountMeta(destination, False, True)], program)


def ix_allocate(buffer: Pubkey, authority: Pubkey, target_program: Pubkey | None = None,
                programdata: Pubkey | None = None, seed: str | bytes | None = None,
                program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    """Allocate: a buffer at a pre-funded keypair address (buffer == authority, no seed) or at the metadata PDA of
    (target_program, seed)."""
    return _ix(bytes([Ix.ALLOCATE]) + (seed_bytes(seed) if seed is not None else b""),
               _managed(buffer, authority, target_program, programdata, program)
               + [AccountMeta(SYSTEM_PROGRAM_ID, False, False)], program)


def ix_extend(account: Pubkey, authority: Pubkey, length: int, target_program: Pubkey | None = None,
              programdata: Pubkey | None = None, program: Pubkey = PROGRAM_METADATA_ID) -> Instruction:
    if not 0 <= length <= 0xFFFF:
        raise ValueError(f"extend length {length} does not fit a u16")
    return _ix(bytes([Ix.EXTEND]) + length.to_bytes(2, "little"),
               _managed(account, authority, target_program, programdata, program), program)


def extend_instructions(account: Pubkey, authority: Pubkey, growth: int, target_program: Pubkey | None = None,
                        programdata: Pubkey | None = None, program: Pubkey = PROGRAM_METADATA_ID) -> list[Instruction]:
    """Extends adding up to `growth` bytes, none above what one instruction may add."""
    out = []
    while growth > 0:
        step = min(growth, MAX_GROWTH_PER_INSTRUCTION)
        out.append(ix_extend(account, authority, step, target_program, programdata, program))
        growth -= step
    return out
