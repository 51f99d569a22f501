"""The Anchor workspace as the toolkit sees it: Anchor.toml program ids, target/deploy binaries, idl/, keys/.

Outside a checkout (a wheel install, e.g. the meter gateway on a Pi) there is no Anchor.toml: the program ids
are the ones the packaged clients were generated for, or those of ``$GTX_PROGRAM_IDS`` / ``gtx --program-ids
FILE`` (a TOML ``[programs]`` table) for a deployment with its own ids.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from solders.pubkey import Pubkey

#: target/deploy/<this>/ holds SBPF v0 copies of the programs for the embedded chain (LiteSVM of solders 0.26)
EMBEDDED_SUBDIR = "sbpf-v0"

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Workspace:
    root: Path
    program_ids: dict[str, Pubkey]

    @classmethod
    def load(cls, root: Path = REPO_ROOT, cluster: str = "localnet") -> "Workspace":
        override = os.environ.get("GTX_PROGRAM_IDS")
        anchor_toml = root / "Anchor.toml"
        if anchor_toml.exists():
            config = tomllib.loads(anchor_toml.read_text())
            ids = {name: Pubkey.from_string(pid) for name, pid in config.get("programs", {}).get(cluster, {}).items()}
        else:
            from gridtokenx_cli import idls

            ids = idls.program_ids()
        if override:
            from gridtokenx_cli import idls

            ids.update(idls.program_ids(Path(override)))
        return cls(root, ids)

    @property
    def is_checkout(self) -> bool:
        return (self.root / "Anchor.toml").exists()

    def program_id(self, name: str) -> Pubkey:
        try:
            return self.program_ids[name]
        except KeyError:
            where = "Anchor.toml" if self.is_checkout else "the packaged clients or $GTX_PROGRAM_IDS"
            raise KeyError(f"program {name!r} is not in {where}; known: {', '.join(sorted(self.program_ids))}")

    def so_path(self, name: str) -> Path:
        """The binary a cluster gets (SBPF v3 unless built with `--sbpf v0`)."""
        return self.root / "target" / "deploy" / f"{name}.so"

    def embedded_so_path(self, name: str) -> Path:
        """The SBPF v0 copy the embedded chain runs: solders 0.26's LiteSVM predates SBPF v3."""
        return self.root / "target" / "deploy" / EMBEDDED_SUBDIR / f"{name}.so"

    def keypair_path(self, name: str) -> Path:
        return self.root / "keys" / "programs" / f"{name}-keypair.json"

    def idl_path(self, name: str, legacy: bool = False) -> Path:
        return self.root / "idl" / ("legacy" if legacy else "") / f"{name}.json"

    def deployable(self) -> list[str]:
        """Programs of Anchor.toml that have been built."""
        return sorted(n for n in self.program_ids if self.so_path(n).exists())

    def embeddable(self) -> list[str]:
        """Programs of Anchor.toml whose SBPF v0 copy (for the embedded chain) has been built."""
        return sorted(n for n in self.program_ids if self.embedded_so_path(n).exists())
