"""The Anchor workspace as the toolkit sees it: Anchor.toml program ids, target/deploy binaries, idl/, keys/."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from solders.pubkey import Pubkey

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Workspace:
    root: Path
    program_ids: dict[str, Pubkey]

    @classmethod
    def load(cls, root: Path = REPO_ROOT, cluster: str = "localnet") -> "Workspace":
        config = tomllib.loads((root / "Anchor.toml").read_text())
        ids = config.get("programs", {}).get(cluster, {})
        return cls(root, {name: Pubkey.from_string(pid) for name, pid in ids.items()})

    def program_id(self, name: str) -> Pubkey:
        try:
            return self.program_ids[name]
        except KeyError:
            raise KeyError(f"program {name!r} is not in Anchor.toml; known: {', '.join(sorted(self.program_ids))}")

    def so_path(self, name: str) -> Path:
        return self.root / "target" / "deploy" / f"{name}.so"

    def keypair_path(self, name: str) -> Path:
        return self.root / "keys" / "programs" / f"{name}-keypair.json"

    def idl_path(self, name: str, legacy: bool = False) -> Path:
        return self.root / "idl" / ("legacy" if legacy else "") / f"{name}.json"

    def deployable(self) -> list[str]:
        """Programs of Anchor.toml that have been built."""
        return sorted(n for n in self.program_ids if self.so_path(n).exists())
