"""programs/program_metadata in LiteSVM, loaded at ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S: each instruction's
happy path and a rejection per error (the exact error, every account unchanged), and the byte layouts of the
published interface description (Codama IDL of solana-program/program-metadata): header offsets, seeds, instruction
data. The expected bytes below are spelled out from that description, not produced by the client under test."""
from __future__ import annotations

import json
import os
import zlib

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, TransferParams, create_account, transfer
from solders.transaction_status import InstructionErrorFieldless as E

from gridtokenx_cli.clients import program_metadata as pm
from gridtokenx_cli.testing.program_metadata import add_upgradeable_program, new_svm_with_program_metadata
from gridtokenx_cli.testing.svm_lite import (custom_error_code, expect_ok, funded_keypair, instruction_error, send,
                                             snapshots, assert_unchanged)

PMP = pm.PROGRAM_METADATA_ID


# ----------------------------------------------------------------------------- layouts (no chain)


def test_header_offsets_follow_the_interface():
    # Metadata: discriminator u8, program 32, authority 32 (zeroable), mutable u8, canonical u8, seed 16, encoding,
    # compression, format, data_source (u8 each), data_length u32, 5 bytes padding = 96
    assert pm.METADATA_OFFSETS == {"discriminator": 0, "program": 1, "authority": 33, "mutable": 65, "canonical": 66,
                                   "seed": 67, "encoding": 83, "compression": 84, "format": 85, "data_source": 86,
                                   "data_length": 87, "padding": 91}
    assert 91 + 5 == pm.HEADER_LEN == 96
    # Buffer: discriminator, program 32 (zeroable), authority 32 (zeroable), canonical u8, seed 16, 14 padding = 96
    assert pm.BUFFER_OFFSETS == {"discriminator": 0, "program": 1, "authority": 33, "canonical": 65, "seed": 66,
                                 "padding": 82}
    assert 82 + 14 == pm.HEADER_LEN
    assert [pm.AccountKind.EMPTY, pm.AccountKind.BUFFER, pm.AccountKind.METADATA] == [0, 1, 2]
    assert [int(e) for e in pm.Encoding] == [0, 1, 2, 3]  # none utf8 base58 base64
    assert [int(c) for c in pm.Compression] == [0, 1, 2]  # none gzip zlib
    assert [int(f) for f in pm.Format] == [0, 1, 2, 3]  # none json yaml toml
    assert [int(s) for s in pm.DataSource] == [0, 1, 2]  # direct url external


def test_seeds_and_addresses():
    assert pm.seed_bytes("idl") == b"idl" + bytes(13)
    with pytest.raises(ValueError, match="at most 16"):
        pm.seed_bytes("x" * 17)
    program, authority = Pubkey.new_unique(), Pubkey.new_unique()
    assert pm.canonical_address(program) == Pubkey.find_program_address([bytes(program), b"idl" + bytes(13)], PMP)[0]
    assert pm.non_canonical_address(program, authority) == Pubkey.find_program_address(
        [bytes(program), bytes(authority), b"idl" + bytes(13)], PMP)[0]
    assert pm.programdata_address(program) == Pubkey.find_program_address(
        [bytes(program)], Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111"))[0]
    from gridtokenx_cli.toolchain.native_programs import NATIVE_PROGRAMS
    assert str(PMP) == NATIVE_PROGRAMS["program_metadata"] == "ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S"


def test_instruction_data_and_accounts():
    a, b, c, d, e = (Pubkey.new_unique() for _ in range(5))
    system = Pubkey.from_string("11111111111111111111111111111111")
    rent = Pubkey.from_string("SysvarRent111111111111111111111111111111111")

    def metas(ix: Instruction):
        return [(m.pubkey, m.is_signer, m.is_writable) for m in ix.accounts]

    ix = pm.ix_write(a, b, 0x01020304, b"xyz")
    assert bytes(ix.data) == b"\x00\x04\x03\x02\x01xyz" and ix.program_id == PMP
    assert metas(ix) == [(a, False, True), (b, True, False), (PMP, False, False)]  # absent source = program id
    assert metas(pm.ix_write(a, b, 0, source_buffer=c))[2] == (c, False, False)

    ix = pm.ix_initialize(a, b, c, data=b"DATA", programdata=d)
    assert bytes(ix.data) == b"\x01" + b"idl" + bytes(13) + bytes([1, 2, 1, 0]) + b"DATA"  # utf8 zlib json direct
    assert metas(ix) == [(a, False, True), (b, True, False), (c, False, False), (d, False, False),
                         (system, False, False)]
    assert bytes(pm.ix_initialize(a, b, c).data) == b"\x01" + b"idl" + bytes(13) + bytes([1, 2, 1, 0])
    assert metas(pm.ix_initialize(a, b, c))[3:] == [(PMP, False, False), (PMP, False, False)]

    assert bytes(pm.ix_set_authority(a, b, c).data) == b"\x02\x01" + bytes(c)
    assert bytes(pm.ix_set_authority(a, b, None).data) == b"\x02\x00"
    assert metas(pm.ix_set_authority(a, b, None, d, e)) == [(a, False, True), (b, True, False), (d, False, False),
                                                             (e, False, False)]

    ix = pm.ix_set_data(a, b, data=b"NEW", target_program=c, programdata=d)
    assert bytes(ix.data) == b"\x03" + bytes([1, 2, 1, 0]) + b"NEW"
    assert metas(ix) == [(a, False, True), (b, True, False), (PMP, False, False), (c, False, False), (d, False, False)]
    assert metas(pm.ix_set_data(a, b, buffer=e))[2] == (e, False, True)
    assert bytes(pm.ix_set_data(a, b, data_source=None).data) == b"\x03" + bytes([1, 2, 1])

    assert bytes(pm.ix_set_immutable(a, b).data) == b"\x04"
    ix = pm.ix_trim(a, b, e, c, d)
    assert bytes(ix.data) == b"\x05"
    assert metas(ix) == [(a, False, True), (b, True, False), (c, False, False), (d, False, False), (e, False, True),
                         (rent, False, False)]
    ix = pm.ix_close(a, b, e)
    assert bytes(ix.data) == b"\x06" and metas(ix)[4] == (e, False, True) and len(ix.accounts) == 5
    assert bytes(pm.ix_allocate(a, b, c, d, seed="idl").data) == b"\x07" + b"idl" + bytes(13)
    assert bytes(pm.ix_allocate(a, a).data) == b"\x07"
    assert metas(pm.ix_allocate(a, a))[4] == (system, False, False)
    assert bytes(pm.ix_extend(a, b, 0x0102).data) == b"\x08\x02\x01"
    assert [bytes(i.data)[1:] for i in pm.extend_instructions(a, b, 25_000)] == [
        (10_240).to_bytes(2, "little"), (10_240).to_bytes(2, "little"), (4_520).to_bytes(2, "little")]


def test_header_decoding_reads_the_documented_offsets():
    program, authority = Pubkey.new_unique(), Pubkey.new_unique()
    raw = (b"\x02" + bytes(program) + bytes(authority) + b"\x01\x00" + b"idl" + bytes(13) + bytes([1, 2, 1, 0])
           + (3).to_bytes(4, "little") + bytes(5) + b"abc")
    h = pm.decode_metadata_header(raw)
    assert (h.program, h.authority, h.mutable, h.canonical, h.seed_text) == (program, authority, True, False, "idl")
    assert (h.encoding, h.compression, h.format, h.data_source, h.data_length) == (
        pm.Encoding.UTF8, pm.Compression.ZLIB, pm.Format.JSON, pm.DataSource.DIRECT, 3)
    assert pm.metadata_data(raw) == b"abc"
    with pytest.raises(ValueError, match="runs past"):
        pm.metadata_data(raw[:-1])
    with pytest.raises(ValueError, match="not a metadata account"):
        pm.decode_metadata_header(b"\x01" + raw[1:])
    packed = pm.pack_content(b'{"a": 1}')
    assert zlib.decompress(packed) == b'{"a": 1}'
    assert pm.unpack_content(packed, pm.Encoding.UTF8, pm.Compression.ZLIB) == b'{"a": 1}'
    with pytest.raises(ValueError, match="does not decompress as zlib"):
        pm.unpack_content(b"plain", pm.Encoding.UTF8, pm.Compression.ZLIB)


# ----------------------------------------------------------------------------- on LiteSVM


class Env:
    def __init__(self):
        self.svm = new_svm_with_program_metadata()
        self.payer = funded_keypair(self.svm, 100 * 10**9)
        self.upgrader = funded_keypair(self.svm)
        self.program = Pubkey.new_unique()
        self.programdata = add_upgradeable_program(self.svm, self.program, self.upgrader.pubkey())
        self.idl = pm.canonical_address(self.program)

    def rent(self, size: int) -> int:
        return self.svm.minimum_balance_for_rent_exemption(size)

    def fund(self, address: Pubkey, size: int):
        return transfer(TransferParams(from_pubkey=self.payer.pubkey(), to_pubkey=address, lamports=self.rent(size)))

    def send(self, ixs, *signers):
        return send(self.svm, ixs, self.payer, signers)

    def data(self, address: Pubkey) -> bytes:
        acc = self.svm.get_account(address)
        return bytes(acc.data) if acc is not None else b""

    def managed(self):
        return {"target_program": self.program, "programdata": self.programdata}

    def init_inline(self, content: bytes = b"hello"):
        expect_ok(self.send([self.fund(self.idl, 96 + len(content)),
                             pm.ix_initialize(self.idl, self.upgrader.pubkey(), self.program, data=content,
                                              programdata=self.programdata)], self.upgrader))


@pytest.fixture()
def env() -> Env:
    return Env()


def rejected(res, error, *, index: int = 0) -> None:
    ie = instruction_error(res)
    assert ie is not None, f"not rejected: {res}"
    if isinstance(error, int):
        assert (ie[0], custom_error_code(res)) == (index, error), ie
    else:
        assert ie == (index, error), ie


def test_initialize_inline_writes_the_header(env):
    env.init_inline(b"{json}")
    raw = env.data(env.idl)
    assert raw[0] == 2 and raw[1:33] == bytes(env.program) and raw[33:65] == bytes(32)  # canonical: no stored auth
    assert raw[65] == 1 and raw[66] == 1 and raw[67:83] == b"idl" + bytes(13)
    assert raw[83:87] == bytes([1, 2, 1, 0]) and raw[87:91] == (6).to_bytes(4, "little") and raw[91:96] == bytes(5)
    assert raw[96:] == b"{json}" and env.svm.get_account(env.idl).owner == PMP


def test_initialize_rejections_change_nothing(env):
    stranger = funded_keypair(env.svm)
    before = snapshots(env.svm, env.idl, env.payer.pubkey())
    # not the upgrade authority: its own derivation (program, authority, seed) is another address
    res = env.send([env.fund(env.idl, 101), pm.ix_initialize(env.idl, stranger.pubkey(), env.program, data=b"hello",
                                                            programdata=env.programdata)], stranger)
    rejected(res, E.InvalidSeeds, index=1)
    ix = pm.ix_initialize(env.idl, env.upgrader.pubkey(), env.program, data=b"hello", programdata=env.programdata)
    res = env.send([env.fund(env.idl, 101), pm.ix_initialize(env.idl, env.upgrader.pubkey(), env.program,
                                                            programdata=env.programdata)], env.upgrader)
    rejected(res, E.InvalidInstructionData, index=1)  # an empty account and no data
    bad_encoding = Instruction(PMP, bytes(ix.data[:17]) + b"\x09" + bytes(ix.data[18:]), ix.accounts)
    rejected(env.send([env.fund(env.idl, 101), bad_encoding], env.upgrader), E.InvalidAccountData, index=1)
    external = pm.ix_initialize(env.idl, env.upgrader.pubkey(), env.program, data=b"short",
                                data_source=pm.DataSource.EXTERNAL, programdata=env.programdata)
    rejected(env.send([env.fund(env.idl, 101), external], env.upgrader), 4, index=1)  # InvalidDataLength
    wrong_pd = pm.ix_initialize(env.idl, env.upgrader.pubkey(), env.program, data=b"hello",
                                programdata=pm.programdata_address(Pubkey.new_unique()))
    rejected(env.send([env.fund(env.idl, 101), wrong_pd], env.upgrader), 2, index=1)  # InvalidProgramDataAccount
    unsigned = Instruction(PMP, bytes(ix.data), [ix.accounts[0], AccountMeta(env.upgrader.pubkey(), False, False),
                                                 *ix.accounts[2:]])
    rejected(env.send([env.fund(env.idl, 101), unsigned]), E.MissingRequiredSignature, index=1)
    assert_unchanged(env.svm, {env.idl: before[env.idl]})
    env.init_inline()
    again = snapshots(env.svm, env.idl)
    rejected(env.send([ix], env.upgrader), E.AccountAlreadyInitialized)
    assert_unchanged(env.svm, again)


def test_non_canonical_metadata_stores_its_authority(env):
    third = funded_keypair(env.svm)
    address = pm.non_canonical_address(env.program, third.pubkey())
    expect_ok(env.send([env.fund(address, 100), pm.ix_initialize(address, third.pubkey(), env.program,
                                                                 data=b"note")], third))
    h = pm.decode_metadata_header(env.data(address))
    assert (h.canonical, h.authority, h.mutable) == (False, third.pubkey(), True)
    # its authority cannot move (the address derives from it)
    before = snapshots(env.svm, address)
    rejected(env.send([pm.ix_set_authority(address, third.pubkey(), env.payer.pubkey())], third),
             E.InvalidAccountData)
    assert_unchanged(env.svm, before)


def test_allocate_extend_write_initialize_for_large_data(env):
    content = os.urandom(30_000)  # incompressible: three Extends, many Writes
    size = 96 + len(content)
    up = env.upgrader.pubkey()
    expect_ok(env.send([env.fund(env.idl, size), pm.ix_allocate(env.idl, up, seed="idl", **env.managed()),
                        *pm.extend_instructions(env.idl, up, len(content), **env.managed())], env.upgrader))
    b = pm.decode_buffer_header(env.data(env.idl))
    assert (b.program, b.authority, b.canonical, b.seed) == (env.program, up, True, b"idl" + bytes(13))
    assert len(env.data(env.idl)) == size
    for offset in range(0, len(content), 900):
        expect_ok(env.send([pm.ix_write(env.idl, up, offset, content[offset:offset + 900])], env.upgrader))
    expect_ok(env.send([pm.ix_initialize(env.idl, up, env.program, programdata=env.programdata)], env.upgrader))
    h = pm.decode_metadata_header(env.data(env.idl))
    assert (h.canonical, h.data_length, pm.metadata_data(env.data(env.idl))) == (True, len(content), content)


def test_allocate_and_write_rejections(env):
    up = env.upgrader.pubkey()
    stranger = funded_keypair(env.svm)
    before = snapshots(env.svm, env.idl)
    not_a_program = Pubkey.new_unique()
    res = env.send([env.fund(env.idl, 96), pm.ix_allocate(env.idl, up, not_a_program, seed="idl")], env.upgrader)
    rejected(res, 0, index=1)  # NotExecutableAccount
    res = env.send([env.fund(env.idl, 96), pm.ix_allocate(env.idl, up, env.program, seed="idl")], env.upgrader)
    rejected(res, E.InvalidSeeds, index=1)  # no programdata: not canonical, so the non-canonical address is expected
    short_seed = Instruction(PMP, b"\x07idl", pm.ix_allocate(env.idl, up, **env.managed()).accounts)
    res = env.send([env.fund(env.idl, 96), short_seed], env.upgrader)
    rejected(res, E.InvalidInstructionData, index=1)  # a PDA buffer needs a 16-byte seed
    assert_unchanged(env.svm, before)
    expect_ok(env.send([env.fund(env.idl, 96 + 10), pm.ix_allocate(env.idl, up, seed="idl", **env.managed())],
                       env.upgrader))
    allocated = snapshots(env.svm, env.idl)
    rejected(env.send([pm.ix_allocate(env.idl, up, seed="idl", **env.managed())], env.upgrader),
             E.AccountAlreadyInitialized)
    rejected(env.send([pm.ix_write(env.idl, stranger.pubkey(), 0, b"x")], stranger), E.IncorrectAuthority)
    rejected(env.send([pm.ix_write(env.idl, up, 0)], env.upgrader), E.InvalidInstructionData)  # no bytes, no source
    rejected(env.send([pm.ix_write(env.idl, up, 0, source_buffer=env.idl)], env.upgrader), E.InvalidAccountData)
    rejected(env.send([pm.ix_extend(env.idl, stranger.pubkey(), 10)], stranger), E.IncorrectAuthority)
    rejected(env.send([pm.ix_extend(env.idl, up, 20_000, **env.managed())], env.upgrader), E.InvalidRealloc)
    assert_unchanged(env.svm, allocated)


def test_keypair_buffer_write_from_buffer_set_data_close(env):
    env.init_inline(b"old")
    first, second = Keypair(), Keypair()
    for kp, content in ((first, b"0123456789"), (second, None)):
        expect_ok(env.send([create_account(CreateAccountParams(from_pubkey=env.payer.pubkey(), to_pubkey=kp.pubkey(),
                                                               lamports=env.rent(106), space=106, owner=PMP)),
                            pm.ix_allocate(kp.pubkey(), kp.pubkey())], kp))
        if content:
            expect_ok(env.send([pm.ix_write(kp.pubkey(), kp.pubkey(), 0, content)], kp))
    # Write copying another buffer's data
    expect_ok(env.send([pm.ix_write(second.pubkey(), second.pubkey(), 0, source_buffer=first.pubkey())], second))
    assert env.data(second.pubkey())[96:] == b"0123456789"
    b = pm.decode_buffer_header(env.data(second.pubkey()))
    assert (b.program, b.authority, b.canonical) == (None, second.pubkey(), False)
    # SetData from the buffer, signed by the upgrade authority, then Close the buffer
    top_up = transfer(TransferParams(from_pubkey=env.payer.pubkey(), to_pubkey=env.idl,
                                     lamports=env.rent(106) - env.rent(99)))  # the account grows by 7 bytes
    expect_ok(env.send([top_up, pm.ix_set_data(env.idl, env.upgrader.pubkey(), buffer=second.pubkey(),
                                               **env.managed())], env.upgrader))
    assert pm.metadata_data(env.data(env.idl)) == b"0123456789"
    balance = env.svm.get_balance(env.payer.pubkey())
    lamports = env.svm.get_account(second.pubkey()).lamports
    expect_ok(env.send([pm.ix_close(second.pubkey(), second.pubkey(), env.payer.pubkey())], second))
    assert env.svm.get_account(second.pubkey()) is None or env.svm.get_account(second.pubkey()).lamports == 0
    assert env.svm.get_balance(env.payer.pubkey()) == balance + lamports - 10_000  # two signatures' fee
    # the buffer's authority cannot be removed, only changed
    before = snapshots(env.svm, first.pubkey())
    rejected(env.send([pm.ix_set_authority(first.pubkey(), first.pubkey(), None)], first), E.InvalidArgument)
    assert_unchanged(env.svm, before)
    expect_ok(env.send([pm.ix_set_authority(first.pubkey(), first.pubkey(), env.upgrader.pubkey())], first))
    assert pm.decode_buffer_header(env.data(first.pubkey())).authority == env.upgrader.pubkey()


def test_set_data_inline_and_its_rejections(env):
    env.init_inline(b"v1")
    up = env.upgrader.pubkey()
    expect_ok(env.send([transfer(TransferParams(from_pubkey=env.payer.pubkey(), to_pubkey=env.idl, lamports=10**6)),
                        pm.ix_set_data(env.idl, up, compression=pm.Compression.NONE, data=b"version two",
                                       **env.managed())], env.upgrader))
    h = pm.decode_metadata_header(env.data(env.idl))
    assert (h.compression, pm.metadata_data(env.data(env.idl))) == (pm.Compression.NONE, b"version two")
    stranger = funded_keypair(env.svm)
    before = snapshots(env.svm, env.idl)
    rejected(env.send([pm.ix_set_data(env.idl, stranger.pubkey(), data=b"x", **env.managed())], stranger),
             E.IncorrectAuthority)
    rejected(env.send([pm.ix_set_data(env.idl, up, data=b"x")], env.upgrader), E.IncorrectAuthority)  # no program
    rejected(env.send([pm.ix_set_data(env.idl, up, data_source=pm.DataSource.EXTERNAL, data=b"x", **env.managed())],
                      env.upgrader), 4)  # InvalidDataLength
    bad = pm.ix_set_data(env.idl, up, data=b"x", **env.managed())
    bad = Instruction(PMP, b"\x03\x07" + bytes(bad.data)[2:], bad.accounts)
    rejected(env.send([bad], env.upgrader), E.InvalidInstructionData)
    assert_unchanged(env.svm, before)


def test_set_authority_on_canonical_metadata(env):
    env.init_inline()
    delegate = funded_keypair(env.svm)
    expect_ok(env.send([pm.ix_set_authority(env.idl, env.upgrader.pubkey(), delegate.pubkey(), **env.managed())],
                       env.upgrader))
    assert pm.decode_metadata_header(env.data(env.idl)).authority == delegate.pubkey()
    top_up = transfer(TransferParams(from_pubkey=env.payer.pubkey(), to_pubkey=env.idl, lamports=10**6))
    expect_ok(env.send([top_up, pm.ix_set_data(env.idl, delegate.pubkey(), data=b"by delegate")], delegate))
    expect_ok(env.send([pm.ix_set_authority(env.idl, delegate.pubkey(), None)], delegate))  # removes itself
    assert pm.decode_metadata_header(env.data(env.idl)).authority is None
    before = snapshots(env.svm, env.idl)
    rejected(env.send([pm.ix_set_data(env.idl, delegate.pubkey(), data=b"no longer")], delegate), E.IncorrectAuthority)
    rejected(env.send([pm.ix_set_authority(env.idl, env.upgrader.pubkey(), Pubkey.default(), **env.managed())],
                      env.upgrader), E.InvalidArgument)
    assert_unchanged(env.svm, before)


def test_set_immutable_freezes_everything(env):
    env.init_inline()
    up = env.upgrader.pubkey()
    expect_ok(env.send([pm.ix_set_immutable(env.idl, up, **env.managed())], env.upgrader))
    assert pm.decode_metadata_header(env.data(env.idl)).mutable is False
    before = snapshots(env.svm, env.idl)
    for ix in (pm.ix_set_data(env.idl, up, data=b"x", **env.managed()), pm.ix_set_immutable(env.idl, up, **env.managed()),
               pm.ix_close(env.idl, up, env.payer.pubkey(), **env.managed()),
               pm.ix_set_authority(env.idl, up, up, **env.managed()), pm.ix_extend(env.idl, up, 8, **env.managed()),
               pm.ix_trim(env.idl, up, env.payer.pubkey(), **env.managed())):
        rejected(env.send([ix], env.upgrader), 3)  # ImmutableMetadataAccount
    assert_unchanged(env.svm, before)


def test_trim_returns_the_excess(env):
    env.init_inline(b"x" * 500)
    up = env.upgrader.pubkey()
    expect_ok(env.send([pm.ix_set_data(env.idl, up, data=b"short", **env.managed())], env.upgrader))
    destination = Pubkey.new_unique()
    before = snapshots(env.svm, env.idl)
    bad_rent = pm.ix_trim(env.idl, up, destination, **env.managed())
    bad_rent = Instruction(PMP, bytes(bad_rent.data), [*bad_rent.accounts[:5], AccountMeta(Pubkey.new_unique(), False,
                                                                                          False)])
    rejected(env.send([bad_rent], env.upgrader), E.InvalidArgument)
    assert_unchanged(env.svm, before)
    held = env.svm.get_account(env.idl).lamports
    expect_ok(env.send([pm.ix_trim(env.idl, up, destination, **env.managed())], env.upgrader))
    assert env.svm.get_account(env.idl).lamports == env.rent(96 + 5)
    assert env.svm.get_balance(destination) == held - env.rent(96 + 5)


def test_close_metadata_and_its_rejections(env):
    env.init_inline()
    up = env.upgrader.pubkey()
    stranger = funded_keypair(env.svm)
    before = snapshots(env.svm, env.idl)
    rejected(env.send([pm.ix_close(env.idl, stranger.pubkey(), stranger.pubkey(), **env.managed())], stranger),
             E.IncorrectAuthority)
    empty = Pubkey.new_unique()
    rejected(env.send([pm.ix_close(empty, up, env.payer.pubkey(), **env.managed())], env.upgrader),
             E.UninitializedAccount)
    assert_unchanged(env.svm, before)
    held = env.svm.get_account(env.idl).lamports
    destination = Pubkey.new_unique()
    expect_ok(env.send([pm.ix_close(env.idl, up, destination, **env.managed())], env.upgrader))
    assert env.svm.get_balance(destination) == held
    gone = env.svm.get_account(env.idl)
    assert gone is None or (gone.lamports == 0 and not gone.data)


def test_unknown_instruction_and_short_account_lists(env):
    rejected(env.send([Instruction(PMP, b"\x09", [])]), E.InvalidInstructionData)
    rejected(env.send([Instruction(PMP, b"", [])]), E.InvalidInstructionData)
    rejected(env.send([Instruction(PMP, b"\x04", [AccountMeta(env.idl, False, True)])]), E.NotEnoughAccountKeys)


# ----------------------------------------------------------------------------- the SDK on LiteSVM


def test_upload_idl_sizes_updates_and_wrong_authority(env):
    from gridtokenx_cli.chain.embedded import EmbeddedChain
    from gridtokenx_cli.onchain_idl import IdlUploadError, fetch_idl, upload_idl

    chain = EmbeddedChain(programs=[], svm=env.svm)
    small = json.dumps({"name": "tiny", "instructions": []}).encode()
    r = upload_idl(chain, env.payer, env.upgrader, env.program, small)
    assert (r.action, r.transactions) == ("created", 1)
    assert fetch_idl(chain, env.program).content == small
    assert upload_idl(chain, env.payer, env.upgrader, env.program, small).action == "unchanged"
    # 100 KB+ stored (incompressible strings): Allocate + Extend, Writes, Initialize — here as an update of the
    # small one through a keypair buffer, then back down (SetData + Trim)
    big = json.dumps({"name": "big", "blob": os.urandom(90_000).hex()}).encode()
    r = upload_idl(chain, env.payer, env.upgrader, env.program, big)
    assert r.action == "updated" and r.stored_bytes > 100_000 and r.transactions > 100
    assert fetch_idl(chain, env.program).content == big
    r = upload_idl(chain, env.payer, env.upgrader, env.program, small)
    assert r.action == "updated"
    assert fetch_idl(chain, env.program).content == small
    assert env.svm.get_account(env.idl).lamports == env.rent(96 + r.stored_bytes)  # trimmed
    # a fresh program: the large create path
    other = Pubkey.new_unique()
    add_upgradeable_program(env.svm, other, env.upgrader.pubkey())
    r = upload_idl(chain, env.payer, env.upgrader, other, big)
    assert r.action == "created" and fetch_idl(chain, other).content == big
    # wrong authority: refused before any transaction, nothing changed
    stranger = funded_keypair(env.svm)
    before = snapshots(env.svm, env.idl, pm.canonical_address(other), env.payer.pubkey())
    with pytest.raises(IdlUploadError) as e:
        upload_idl(chain, env.payer, stranger, env.program, big)
    assert str(e.value) == (f"authority {stranger.pubkey()} is not the upgrade authority of {env.program} (that is "
                            f"{env.upgrader.pubkey()}); sign with the upgrade authority's keypair (--authority KEYPAIR)")
    assert_unchanged(env.svm, before)
    with pytest.raises(IdlUploadError, match="the IDL is not JSON"):
        upload_idl(chain, env.payer, env.upgrader, env.program, b"{not json")


def test_upload_without_the_program_metadata_program_says_so():
    from solders.litesvm import LiteSVM

    from gridtokenx_cli.chain.embedded import EmbeddedChain
    from gridtokenx_cli.onchain_idl import IdlUploadError, upload_idl

    svm = LiteSVM()
    payer = funded_keypair(svm)
    program = Pubkey.new_unique()
    add_upgradeable_program(svm, program, payer.pubkey())
    with pytest.raises(IdlUploadError) as e:
        upload_idl(EmbeddedChain(programs=[], svm=svm), payer, payer, program, b"{}")
    assert str(e.value).startswith(f"the Program Metadata program {PMP} is not deployed on this cluster; on a local "
                                   f"validator, start it from a new genesis (`gtx localnet up --reset`)")
    assert svm.get_account(pm.canonical_address(program)) is None


def test_the_pipeline_builds_it_without_an_anchor_idl(tmp_path):
    """`gtx build program_metadata`: an SBF binary, no Anchor IDL or client (toolchain/native_programs.py); `gtx keys
    sync` does not ask for a keypair (its id comes from the interface)."""
    import subprocess
    import sys

    from gridtokenx_cli.chain.workspace import REPO_ROOT
    from gridtokenx_cli.cli.keys import sync_program_ids

    idl_files = sorted(p.name for p in (REPO_ROOT / "idl").glob("*.json"))
    proc = subprocess.run([sys.executable, "-m", "gridtokenx_cli.toolchain.build", "program_metadata", "--json"],
                          cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    [row] = json.loads(proc.stdout)
    assert row["name"] == "program_metadata" and row["idl_path"] is None and row["size"] > 0
    assert sorted(p.name for p in (REPO_ROOT / "idl").glob("*.json")) == idl_files
    assert not (REPO_ROOT / "gridtokenx_cli" / "generated" / "program_metadata").exists()
    _, problems = sync_program_ids(REPO_ROOT, fix=False)
    assert not [p for p in problems if p.startswith("program_metadata")]
