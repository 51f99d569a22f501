"""Keypairs from files, standard input and the terminal (`-k stdin`, `-k prompt://`, as the Solana CLI accepts),
through the real `gtx` process; the prompt is answered through a pseudo-terminal (nothing echoed)."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from solders.keypair import Keypair

from gridtokenx_cli.keypairs import KeypairError, keypair_from_text, read_keypair, write_keypair

ROOT = Path(__file__).resolve().parents[2]
GTX = [sys.executable, "-m", "gridtokenx_cli"]


class Terminal:
    """What a program wrote to its pty so far; `read_until` waits (≤ 120 s in all) for a marker."""

    def __init__(self, fd: int):
        self.fd = fd
        self.out = b""
        self.deadline = time.monotonic() + 120

    def read_until(self, marker: bytes) -> None:
        while marker not in self.out and time.monotonic() < self.deadline:
            ready, _, _ = select.select([self.fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                self.out += chunk


def test_file_json_and_base58(tmp_path):
    kp = Keypair()
    path = tmp_path / "k.json"
    write_keypair(path, kp)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_keypair(path) == kp
    assert keypair_from_text(str(kp)) == kp  # base58 secret
    with pytest.raises(KeypairError, match="not a Solana keypair"):
        keypair_from_text("[1, 2, 3]", "x")
    with pytest.raises(FileNotFoundError):
        read_keypair(tmp_path / "missing.json")


def test_gtx_reads_the_keypair_from_stdin():
    kp = Keypair()
    r = subprocess.run([*GTX, "--json", "-k", "stdin", "keys", "show"], input=json.dumps(list(bytes(kp))),
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["pubkey"] == str(kp.pubkey())
    bad = subprocess.run([*GTX, "-k", "stdin", "keys", "show"], input="not a key", capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "PATH: standard input is not a Solana keypair" in bad.stderr


def test_gtx_prompts_for_the_keypair_on_a_terminal():
    kp = Keypair()
    pid, fd = pty.fork()
    if pid == 0:  # child: gtx on the pty
        os.chdir(ROOT)
        os.execv(sys.executable, [*GTX, "--json", "-k", "prompt://", "keys", "show"])
    terminal = Terminal(fd)

    terminal.read_until(b"keypair (seed phrase, base58 secret or JSON list):")
    assert b"keypair (seed phrase" in terminal.out, terminal.out
    os.write(fd, str(kp).encode() + b"\n")
    terminal.read_until(b"}")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, terminal.out
    assert str(kp.pubkey()).encode() in terminal.out
    assert str(kp).encode() not in terminal.out  # the secret is not echoed


#: BIP39's published test vector (English, passphrase "TREZOR"): the seed its 64 bytes must be
VECTOR_PHRASE = "abandon " * 11 + "about"
VECTOR_SEED = ("c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4"
               "ab7c81b2f001698e7463b04")


def test_seed_phrase_gives_the_solana_cli_key():
    from mnemonic import Mnemonic

    from gridtokenx_cli.keypairs import keypair_from_seed_phrase

    assert Mnemonic.to_seed(VECTOR_PHRASE, "TREZOR").hex() == VECTOR_SEED
    # solana-keygen's keypair_from_seed: the ed25519 secret is the seed's first 32 bytes
    kp = keypair_from_seed_phrase(VECTOR_PHRASE.upper() + "  ", "TREZOR")
    assert kp == Keypair.from_seed(bytes.fromhex(VECTOR_SEED)[:32])
    assert keypair_from_seed_phrase(VECTOR_PHRASE) != kp  # the passphrase is part of the key
    with pytest.raises(KeypairError, match="checksum does not match"):
        keypair_from_seed_phrase("abandon " * 12)
    with pytest.raises(KeypairError, match="1 word\\(s\\) are not in the English word list"):
        keypair_from_seed_phrase("abandon " * 11 + "zzzz")


def test_gtx_takes_a_seed_phrase_and_passphrase_at_the_prompt():
    expected = Keypair.from_seed(bytes.fromhex(VECTOR_SEED)[:32])
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execv(sys.executable, [*GTX, "--json", "-k", "prompt://", "keys", "show"])
    terminal = Terminal(fd)

    terminal.read_until(b"JSON list):")
    os.write(fd, VECTOR_PHRASE.encode() + b"\n")
    terminal.read_until(b"(ENTER for none):")
    assert b"passphrase" in terminal.out, terminal.out
    os.write(fd, b"TREZOR\n")
    terminal.read_until(b"}")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, terminal.out
    assert str(expected.pubkey()).encode() in terminal.out
    assert b"abandon" not in terminal.out and b"TREZOR" not in terminal.out  # neither is echoed
