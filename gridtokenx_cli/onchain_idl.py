"""A program's IDL on-chain, where Anchor 1.x tooling looks for it: the canonical Program Metadata account
[program, "idl"] (zlib-compressed JSON, written by the program's upgrade authority). Works on any chain backend and
with either implementation of the Program Metadata program (the published one or programs/program_metadata).

* :func:`upload_idl` creates the account (small IDLs in one transaction; larger ones through a buffer at the same
  address: Allocate + Extend, Write in chunks, Initialize) or replaces its content (a keypair buffer, SetData, Close
  the buffer, Trim), and does nothing when the chain already holds the same JSON.
* :func:`fetch_idl` reads and decodes it; :func:`fetch_legacy_idl` reads the account Anchor <= 0.31 used.
"""
from __future__ import annotations

import json
import struct
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable

from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, TransferParams, create_account, transfer

from gridtokenx_cli.chain.base import Chain, TxOutcome
from gridtokenx_cli.clients import program_metadata as pm

#: bytes of data per Write transaction: the rest of the 1,232-byte packet holds two signatures, up to five account
#: keys, the blockhash and a compute-budget instruction the rpc backend may add
WRITE_CHUNK = 800
#: up to this much compressed data goes inside the Initialize instruction itself (one transaction)
INLINE_MAX = 800
#: Write transactions sent before waiting for them, and how long to wait for them to confirm
IN_FLIGHT = 32
CONFIRM_TIMEOUT = 30.0
LEGACY_IDL_SEED = "anchor:idl"
LEGACY_HEADER = 8 + 32 + 4  # discriminator, authority, compressed length


class IdlUploadError(Exception):
    """Why the IDL was not (completely) written; says what to do."""


@dataclass
class IdlUpload:
    program_id: str
    address: str
    action: str  # created | updated | unchanged
    json_bytes: int
    stored_bytes: int
    transactions: int = 0
    signatures: list[str] = field(default_factory=list)


@dataclass
class FetchedIdl:
    address: Pubkey
    header: pm.MetadataHeader
    content: bytes

    @property
    def idl(self) -> dict:
        return json.loads(self.content)


def _rent(chain: Chain, size: int) -> int:
    """The rent-exempt minimum from the chain's Rent sysvar (both backends expose it as an account)."""
    data = chain.account_data(pm.RENT_SYSVAR_ID)
    if data is None or len(data) < 16:
        raise IdlUploadError("the Rent sysvar is not readable on this chain")
    per_byte_year, threshold = struct.unpack_from("<Qd", data)
    return int(float((128 + size) * per_byte_year) * threshold)


def describe_failure(outcome: TxOutcome) -> str:
    """The rejection in words: the interface's own error name for Custom(0..4), else the runtime's error."""
    code = outcome.error.code if outcome.error is not None else None
    if code in pm.ERRORS:
        name, message = pm.ERRORS[code]
        text = f"{name} ({code}): {message}"
    else:
        text = str(outcome.raw_error)
    logs = [line for line in outcome.logs if "failed" in line or "Error" in line][-2:]
    return text + (f" [{'; '.join(logs)}]" if logs else "")


def check_upgrade_authority(chain: Chain, program_id: Pubkey, authority: Pubkey) -> Pubkey:
    """The program's ProgramData address, once `authority` is shown to be its upgrade authority."""
    program = chain.get_account(program_id)
    if program is None or not program.executable:
        raise IdlUploadError(f"program {program_id} is not deployed on this cluster; deploy it first (gtx deploy)")
    if program.owner != pm.UPGRADEABLE_LOADER_ID:
        raise IdlUploadError(f"program {program_id} is owned by {program.owner}, not the upgradeable loader: its "
                             f"canonical metadata can only be written by the program's own keypair")
    programdata = pm.programdata_address(program_id)
    upgrade_authority = pm.upgrade_authority_of(bytes(program.data), chain.account_data(programdata))
    if upgrade_authority is None:
        raise IdlUploadError(f"program {program_id} has no upgrade authority (immutable): nobody can write its "
                             f"canonical IDL account")
    if upgrade_authority != authority:
        raise IdlUploadError(f"authority {authority} is not the upgrade authority of {program_id} (that is "
                             f"{upgrade_authority}); sign with the upgrade authority's keypair (--authority KEYPAIR)")
    return programdata


def upload_idl(chain: Chain, payer: Keypair, authority: Keypair, program_id: Pubkey, idl_json: bytes, *,
               metadata_program: Pubkey = pm.PROGRAM_METADATA_ID,
               progress: Callable[[int, int], None] | None = None) -> IdlUpload:
    """Store `idl_json` as `program_id`'s canonical IDL ([program, "idl"]); `authority` must be the program's upgrade
    authority. Raises IdlUploadError (nothing sent when a check fails before the first transaction)."""
    try:
        json.loads(idl_json)
    except ValueError as e:
        raise IdlUploadError(f"the IDL is not JSON: {e}") from None
    pmp = chain.get_account(metadata_program)
    if pmp is None or not pmp.executable:
        raise IdlUploadError(f"the Program Metadata program {metadata_program} is not deployed on this cluster; "
                             f"on a local validator, start it from a new genesis (`gtx localnet up --reset`) after "
                             f"`gtx build program_metadata`")
    programdata = check_upgrade_authority(chain, program_id, authority.pubkey())
    address = pm.canonical_address(program_id, pm.IDL_SEED, metadata_program)
    stored = pm.pack_content(idl_json)
    result = IdlUpload(str(program_id), str(address), "", len(idl_json), len(stored))
    managed = {"target_program": program_id, "programdata": programdata, "program": metadata_program}

    def send(instructions, signers, step: str) -> None:
        outcome = chain.send(instructions, payer, [authority, *signers])
        if not outcome.ok:
            raise IdlUploadError(f"{step} rejected by the Program Metadata program at {address}: "
                                 f"{describe_failure(outcome)}")
        result.transactions += 1
        result.signatures.append(str(outcome.signature))

    existing = chain.get_account(address)
    kind = pm.account_kind(bytes(existing.data)) if existing is not None else None
    if existing is not None and existing.owner == metadata_program and kind == pm.AccountKind.BUFFER:
        # a create that stopped after Allocate/Write: reclaim it and start again
        send([pm.ix_close(address, authority.pubkey(), payer.pubkey(), **managed)], [], "closing the unfinished buffer")
        existing, kind = None, None
    if existing is not None and (existing.owner != metadata_program or kind != pm.AccountKind.METADATA):
        raise IdlUploadError(f"{address} exists but is not a Program Metadata account (owner {existing.owner}); "
                             f"nothing was written")

    if existing is None:
        result.action = "created"
        _create(chain, payer, authority, program_id, address, stored, managed, send, progress, result)
        return result

    header = pm.decode_metadata_header(bytes(existing.data))
    try:
        current = pm.unpack_content(pm.metadata_data(bytes(existing.data)), header.encoding, header.compression)
    except ValueError:
        current = None
    if (current == idl_json and header.format == pm.Format.JSON and header.data_source == pm.DataSource.DIRECT):
        result.action = "unchanged"
        return result
    if not header.mutable:
        raise IdlUploadError(f"the IDL account {address} was made immutable; it cannot be changed")
    result.action = "updated"
    _replace(chain, payer, authority, address, header, stored, managed, send, progress, result)
    return result


def _write_chunks(chain: Chain, payer: Keypair, buffer: Pubkey, writer: Keypair, stored: bytes, send, progress,
                  program: Pubkey, result: IdlUpload) -> None:
    """Write `stored` into `buffer` in WRITE_CHUNK pieces: the first through `send` (a refusal surfaces with its
    error before the rest goes out), the others IN_FLIGHT at a time without waiting for each; then the buffer is
    read back and whatever did not land (dropped, expired) is written again one by one."""
    offsets = list(range(0, len(stored), WRITE_CHUNK))

    def write(offset: int):
        return pm.ix_write(buffer, writer.pubkey(), offset, stored[offset:offset + WRITE_CHUNK], program=program)

    send([write(0)], [writer], "Write at offset 0")
    rest = offsets[1:]
    for start in range(0, len(rest), IN_FLIGHT):
        window = rest[start:start + IN_FLIGHT]
        blockhash = chain.latest_blockhash()
        signatures = []
        for offset in window:
            if not chain.shares_blockhash:
                blockhash = chain.latest_blockhash()
            signatures.append(chain.broadcast(Chain.sign([write(offset)], payer, [writer], blockhash)))
        result.transactions += len(signatures)
        result.signatures += [str(s) for s in signatures]
        for outcome in _landed(chain, signatures).values():
            if not outcome.ok:
                raise IdlUploadError(f"a Write into {buffer} was rejected by the Program Metadata program: "
                                     f"{describe_failure(outcome)}")
        if progress:
            progress(1 + start + len(window), len(offsets))
    data = chain.account_data(buffer) or b""
    at = pm.HEADER_LEN
    for offset in offsets:
        if data[at + offset:at + offset + WRITE_CHUNK] != stored[offset:offset + WRITE_CHUNK]:
            send([write(offset)], [writer], f"Write at offset {offset} (again)")


def _landed(chain: Chain, signatures: list) -> dict:
    """The outcomes of those `signatures` that are confirmed within CONFIRM_TIMEOUT."""
    deadline = time.monotonic() + CONFIRM_TIMEOUT
    found: dict = {}
    while True:
        found.update(chain.confirmed_outcomes([s for s in signatures if s not in found]))
        if len(found) == len(signatures) or time.monotonic() > deadline:
            return found
        time.sleep(0.4)


def _create(chain, payer, authority, program_id, address, stored, managed, send, progress, result) -> None:
    rent = _rent(chain, pm.HEADER_LEN + len(stored))
    fund = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=address, lamports=rent))
    program = managed["program"]
    if len(stored) <= INLINE_MAX:
        send([fund, pm.ix_initialize(address, authority.pubkey(), program_id, data=stored,
                                     programdata=managed["programdata"], program=program)], [], "Initialize")
        return
    # the metadata PDA itself is the buffer: allocated, sized, written, then initialized in place
    send([fund, pm.ix_allocate(address, authority.pubkey(), seed=pm.IDL_SEED, **managed),
          *pm.extend_instructions(address, authority.pubkey(), len(stored), **managed)], [], "Allocate + Extend")
    _write_chunks(chain, payer, address, authority, stored, send, progress, program, result)
    send([pm.ix_initialize(address, authority.pubkey(), program_id, programdata=managed["programdata"],
                           program=program)], [], "Initialize from the written buffer")


def _replace(chain, payer, authority, address, header, stored, managed, send, progress, result) -> None:
    program = managed["program"]
    old_size = pm.HEADER_LEN + header.data_length
    new_size = pm.HEADER_LEN + len(stored)
    growth = new_size - old_size
    if len(stored) <= INLINE_MAX:
        source: dict = {"data": stored}
        setup: list = []
        buffer = None
    else:
        # a fresh keypair buffer holds the new content; it signs as its own authority for the writes
        buffer = Keypair()
        send([create_account(CreateAccountParams(from_pubkey=payer.pubkey(), to_pubkey=buffer.pubkey(),
                                                 lamports=_rent(chain, new_size), space=new_size, owner=program)),
              pm.ix_allocate(buffer.pubkey(), buffer.pubkey(), program=program)], [buffer], "creating the buffer")
        _write_chunks(chain, payer, buffer.pubkey(), buffer, stored, send, progress, program, result)
        source = {"buffer": buffer.pubkey()}
        setup = []
    if growth > 0:
        extra = _rent(chain, new_size) - (chain.get_balance(address))
        if extra > 0:
            setup.append(transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=address, lamports=extra)))
        setup += pm.extend_instructions(address, authority.pubkey(), growth, **managed)
    final = [*setup, pm.ix_set_data(address, authority.pubkey(), **source, **managed)]
    if buffer is not None:
        final.append(pm.ix_close(buffer.pubkey(), buffer.pubkey(), payer.pubkey(), program=program))
    if growth < 0:
        final.append(pm.ix_trim(address, authority.pubkey(), payer.pubkey(), **managed))
    send(final, [buffer] if buffer is not None else [], "SetData")


def fetch_idl(chain: Chain, program_id: Pubkey, *, metadata_program: Pubkey = pm.PROGRAM_METADATA_ID,
              seed: str = pm.IDL_SEED) -> FetchedIdl | None:
    """The canonical IDL of `program_id`, decoded; None when there is no such account. Raises ValueError when the
    account exists but cannot be read as JSON metadata."""
    address = pm.canonical_address(program_id, seed, metadata_program)
    acc = chain.get_account(address)
    if acc is None:
        return None
    data = bytes(acc.data)
    if acc.owner != metadata_program:
        raise ValueError(f"{address} is owned by {acc.owner}, not the Program Metadata program")
    if pm.account_kind(data) == pm.AccountKind.BUFFER:
        raise ValueError(f"{address} holds an unfinished upload (a buffer, not yet initialized); upload again")
    header = pm.decode_metadata_header(data)
    raw = pm.metadata_data(data)
    if header.data_source == pm.DataSource.URL:
        url = pm.unpack_content(raw, header.encoding, header.compression).decode(errors="replace")
        raise ValueError(f"the IDL of {program_id} is published at a URL, not on-chain: {url}")
    if header.data_source == pm.DataSource.EXTERNAL:
        target = Pubkey.from_bytes(raw[:32])
        offset, length = struct.unpack_from("<II", raw, 32)
        external = chain.account_data(target)
        if external is None:
            raise ValueError(f"the IDL of {program_id} points to {target}, which does not exist")
        raw = external[offset:offset + length] if length else external[offset:]
    content = pm.unpack_content(raw, header.encoding, header.compression)
    return FetchedIdl(address, header, content)


# ----------------------------------------------------------------------------- legacy (Anchor <= 0.31)


def legacy_idl_address(program_id: Pubkey) -> Pubkey:
    """create_with_seed(find_program_address([], program), "anchor:idl", program)."""
    base = Pubkey.find_program_address([], program_id)[0]
    return Pubkey.create_with_seed(base, LEGACY_IDL_SEED, program_id)


def decode_legacy_idl_account(data: bytes) -> tuple[str, dict]:
    """(authority, IDL JSON) from a legacy Anchor IDL account's data."""
    if len(data) < LEGACY_HEADER:
        raise ValueError(f"account too short for an Anchor IDL account ({len(data)} bytes)")
    (length,) = struct.unpack_from("<I", data, 40)
    if LEGACY_HEADER + length > len(data):
        raise ValueError(f"IDL length {length} runs past the account's {len(data)} bytes")
    try:
        return str(Pubkey.from_bytes(data[8:40])), json.loads(zlib.decompress(data[LEGACY_HEADER:LEGACY_HEADER + length]))
    except zlib.error as e:
        raise ValueError(f"the IDL does not decompress: {e}") from None
