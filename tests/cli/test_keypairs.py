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
    out = b""
    deadline = time.monotonic() + 120

    def read_until(marker: bytes) -> None:
        nonlocal out
        while marker not in out and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                out += chunk

    read_until(b"keypair (base58 secret or JSON list):")
    assert b"keypair (base58" in out, out
    os.write(fd, str(kp).encode() + b"\n")
    read_until(b"}")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    assert str(kp.pubkey()).encode() in out
    assert str(kp).encode() not in out  # the secret is not echoed
