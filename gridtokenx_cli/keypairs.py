"""Keypairs as the Solana CLI stores and accepts them — the one place the SDK, the CLI and the gateway read and
write them. A keypair file is a JSON list of the 64 secret-key bytes; writes are atomic with mode 0600 from the
first byte (a key is never world-readable, even briefly). ``read_keypair`` also takes the Solana CLI's
``stdin`` (the JSON list or a base58 secret on standard input) and ``prompt://`` (typed on the terminal, not
echoed: a base58 secret, a JSON list, or a BIP39 seed phrase with an optional passphrase — the key
``solana-keygen recover prompt://`` gives for it: the first 32 bytes of the BIP39 seed, no derivation path)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from solders.keypair import Keypair
from solders.pubkey import Pubkey

PROMPT = "prompt://"
STDIN = "stdin"


class KeypairError(ValueError):
    """The source does not hold a keypair (message says what it holds instead)."""


def keypair_from_text(text: str, source: str = "keypair") -> Keypair:
    """A keypair from a JSON list of 64 bytes or a base58-encoded 64-byte secret."""
    text = text.strip()
    try:
        if text.startswith("["):
            return Keypair.from_bytes(bytes(json.loads(text)))
        return Keypair.from_base58_string(text)
    except (ValueError, TypeError) as e:
        raise KeypairError(f"{source} is not a Solana keypair (a JSON list of 64 bytes or a base58 secret): "
                           f"{e}") from None


#: word counts of a BIP39 mnemonic
SEED_PHRASE_WORDS = (12, 15, 18, 21, 24)


def keypair_from_seed_phrase(phrase: str, passphrase: str = "", source: str = "the prompt") -> Keypair:
    """The Solana CLI's keypair of a BIP39 seed phrase (English words, checksum checked) and passphrase."""
    from mnemonic import Mnemonic

    words = " ".join(phrase.lower().split())
    english = Mnemonic("english")
    unknown = [w for w in words.split() if w not in english.wordlist]
    if unknown:
        raise KeypairError(f"{source} is not a BIP39 seed phrase: {len(unknown)} word(s) are not in the English "
                           "word list")
    if not english.check(words):
        raise KeypairError(f"{source} is not a BIP39 seed phrase: its checksum does not match (a word is wrong "
                           "or out of order)")
    return Keypair.from_seed(Mnemonic.to_seed(words, passphrase)[:32])


def _is_prompt(text: str) -> bool:
    # a pathlib.Path collapses "prompt://" to "prompt:"
    return text.startswith(PROMPT) or text.rstrip("/") == "prompt:"


def read_keypair(source: str | Path) -> Keypair:
    """The keypair of a file path, ``stdin`` or ``prompt://``."""
    text = str(source)
    if text == STDIN:
        return keypair_from_text(sys.stdin.read(), "standard input")
    if _is_prompt(text):
        import getpass

        secret = getpass.getpass("keypair (seed phrase, base58 secret or JSON list): ")
        if len(secret.split()) in SEED_PHRASE_WORDS:
            passphrase = getpass.getpass("seed phrase passphrase (ENTER for none): ")
            return keypair_from_seed_phrase(secret, passphrase)
        return keypair_from_text(secret, "the prompt")
    path = Path(text).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"keypair file {path} does not exist")
    return keypair_from_text(path.read_text(), str(path))


def is_file_source(source: str | Path) -> bool:
    text = str(source)
    return text != STDIN and not _is_prompt(text)


def keypair_pubkey(path: str | Path) -> Pubkey:
    return read_keypair(path).pubkey()


def write_keypair(path: str | Path, keypair: Keypair) -> None:
    """Atomic write, mode 0600 from the first byte."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(list(bytes(keypair)), f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
