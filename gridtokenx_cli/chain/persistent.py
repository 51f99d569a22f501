"""The embedded backend kept across processes: a LiteSVM whose accounts are saved to a JSON file on close and
restored on open (what `gtx --backend embedded` uses between commands). One process at a time (flock)."""
from __future__ import annotations

import base64
import fcntl
import json
import os
import time
from pathlib import Path
from typing import IO

from .base import ChainError
from .embedded import EmbeddedChain

STATE_VERSION = 1

#: owners whose accounts are part of the runtime, never saved (they exist in every fresh LiteSVM)
_RUNTIME_OWNERS = {
    "Sysvar1111111111111111111111111111111111111", "NativeLoader1111111111111111111111111111111",
    "BPFLoader2111111111111111111111111111111111", "BPFLoaderUpgradeab1e11111111111111111111111",
    "BPFLoader1111111111111111111111111111111111", "LoaderV411111111111111111111111111111111111",
}


class StateFileError(ChainError):
    """The state file cannot be read (corrupt, or written by another version)."""


class PersistentEmbeddedChain(EmbeddedChain):
    """EmbeddedChain that restores its accounts from `path` and saves the ones it touched on close()."""

    def __init__(self, path: Path, **kwargs):
        self.state_file = path
        self.touched: set = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock: IO[str] | None = open(path.with_name(path.name + ".lock"), "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            super().__init__(**kwargs)
        except BaseException:  # e.g. a program not built yet: do not keep the lock
            self._release()
            raise
        self._load()

    # -- every account a transaction can change is among its message's keys
    def submit(self, tx, message_builder):
        self.touched.update(tx.message.account_keys)
        return super().submit(tx, message_builder)

    def airdrop(self, address, lamports):
        self.touched.add(address)
        super().airdrop(address, lamports)

    def set_account(self, address, account):
        self.touched.add(address)
        super().set_account(address, account)

    def _load(self) -> None:
        from solders.account import Account
        from solders.pubkey import Pubkey

        saved_ts = 0
        if self.state_file.exists():
            try:
                state = json.loads(self.state_file.read_text())
                if state.get("version") != STATE_VERSION:
                    raise ValueError(f"version {state.get('version')}")
                for address, a in state["accounts"].items():
                    key = Pubkey.from_string(address)
                    self.svm.set_account(key, Account(a["lamports"], base64.b64decode(a["data"]),
                                                      Pubkey.from_string(a["owner"]), False, a["rent_epoch"]))
                    self.touched.add(key)
                saved_ts = state["clock"]["unix_timestamp"]
                if state["clock"]["slot"] > 0:
                    self.warp_to_slot(state["clock"]["slot"] + 1)
            except (ValueError, KeyError, TypeError) as e:
                self._release()
                raise StateFileError(f"embedded state file {self.state_file} is unreadable ({e}): delete it to "
                                     "start over") from None
        self.set_unix_timestamp(max(saved_ts, int(time.time())))

    def save(self) -> None:
        accounts = {}
        for key in sorted(self.touched, key=str):
            acc = self.get_account(key)
            if acc is None or acc.executable or str(acc.owner) in _RUNTIME_OWNERS:
                continue
            accounts[str(key)] = {"lamports": acc.lamports, "owner": str(acc.owner), "rent_epoch": acc.rent_epoch,
                                  "data": base64.b64encode(bytes(acc.data)).decode()}
        clock = self.get_clock()
        state = {"version": STATE_VERSION, "clock": {"slot": clock.slot, "unix_timestamp": clock.unix_timestamp},
                 "accounts": accounts}
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        tmp.write_text(json.dumps(state, indent=0))
        os.replace(tmp, self.state_file)

    def _release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def close(self) -> None:
        try:
            if self._lock is not None:
                self.save()
        finally:
            self._release()
