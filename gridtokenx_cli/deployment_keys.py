"""Keys that may administer a real cluster, and the refusals that keep the committed localnet keys off one.

`keys/` is for localnet only: its bootstrap keypair and program keypairs are in git, so anyone holding a clone holds
their secrets. Against any cluster that is not on this machine (`gtx deploy`, `gtx upgrade`, `gtx init`):
- a program built with the localnet bootstrap key (or without a build record saying which key) is refused;
- a program keypair or bootstrap keypair whose public key is one of the keypairs committed under `keys/` is refused.
The ceremony that makes a deployment's own keys is `gtx keys new-deployment DIR` (docs/deployment.md).
"""
from __future__ import annotations

import ipaddress
import json
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from solders.pubkey import Pubkey

from .chain.workspace import REPO_ROOT

LOCALNET_BOOTSTRAP_KEYPAIR = REPO_ROOT / "keys" / "bootstrap-authority-keypair.json"
# written by the build beside each .so: which bootstrap key the binary accepts
BUILD_RECORD_SUFFIX = ".build.json"
HOW_TO_FIX = ("make the deployment's own keys with `gtx keys new-deployment DIR`, then build with "
              "`gtx build --bootstrap-authority <its bootstrap pubkey>` (docs/deployment.md)")


class DeploymentKeyError(Exception):
    """A committed (public) key would administer or own programs on a real cluster."""


from .keypairs import KeypairError, keypair_from_text, keypair_pubkey  # noqa: E402  (re-exported)


def localnet_bootstrap_pubkey(root: Path = REPO_ROOT) -> Pubkey | None:
    """The committed localnet bootstrap key (None without a checkout, e.g. a wheel install)."""
    path = root / "keys" / "bootstrap-authority-keypair.json"
    return keypair_pubkey(path) if path.exists() else None


def is_loopback_url(url: str) -> bool:
    """True for the `localnet` moniker and URLs whose host is localhost or a loopback address; a comma-separated
    list (`-u a,b`: nodes of one cluster) only when every entry is."""
    if "," in url:
        return all(is_loopback_url(part.strip()) for part in url.split(","))
    if url in ("localnet", "l"):
        return True
    host = urlparse(url if "://" in url else f"http://{url}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def committed_pubkeys(root: Path = REPO_ROOT) -> dict[Pubkey, str]:
    """Public keys of the keypair files committed under keys/ (HEAD), by path. Empty outside a git checkout."""
    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return r.stdout if r.returncode == 0 else None

    listing = git("ls-tree", "-r", "--name-only", "HEAD", "--", "keys")
    found: dict[Pubkey, str] = {}
    for path in (listing or "").split():
        if not path.endswith(".json"):
            continue
        text = git("show", f"HEAD:{path}")
        try:
            found[keypair_from_text(text or "", path).pubkey()] = path
        except KeypairError:
            continue  # not a keypair file
    return found


def write_build_record(so_path: Path, bootstrap_authority: Pubkey, localnet_bootstrap: Pubkey | None) -> Path:
    record = so_path.with_name(so_path.stem + BUILD_RECORD_SUFFIX)
    record.write_text(json.dumps({"program": so_path.stem, "bootstrap_authority": str(bootstrap_authority),
                                  "localnet_bootstrap": bootstrap_authority == localnet_bootstrap}, indent=2) + "\n")
    return record


def built_bootstrap_authority(so_path: Path) -> Pubkey | None:
    """The bootstrap key the build record beside `so_path` names, or None when there is no readable record."""
    record = so_path.with_name(so_path.stem + BUILD_RECORD_SUFFIX)
    try:
        return Pubkey.from_string(json.loads(record.read_text())["bootstrap_authority"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check_cluster_deploy(url: str, programs: dict[str, tuple[Path, Path | None]], root: Path = REPO_ROOT) -> None:
    """Refuses a deploy/upgrade to a non-loopback `url` of programs {name: (.so path, program keypair path or None)}
    built with the localnet bootstrap key or owned by a committed program keypair. Loopback: no check."""
    if is_loopback_url(url):
        return
    localnet = localnet_bootstrap_pubkey(root)
    committed = committed_pubkeys(root)
    problems = []
    for name, (so_path, keypair_path) in sorted(programs.items()):
        built = built_bootstrap_authority(so_path)
        if built is None:
            problems.append(f"{name}: {so_path} has no build record ({so_path.stem}{BUILD_RECORD_SUFFIX}) saying "
                            f"which bootstrap key it accepts; rebuild it with gtx build")
        elif built == localnet:
            problems.append(f"{name}: built with the localnet bootstrap key {localnet}, whose keypair is committed "
                            f"in keys/")
        elif built in committed:
            problems.append(f"{name}: built with bootstrap key {built}, whose keypair is committed as "
                            f"{committed[built]}")
        if keypair_path is not None and keypair_path.exists():
            pubkey = keypair_pubkey(keypair_path)
            if pubkey in committed:
                problems.append(f"{name}: program keypair {keypair_path} ({pubkey}) is committed as "
                                f"{committed[pubkey]}; anyone could deploy to that address first")
    if problems:
        raise DeploymentKeyError(f"refusing to deploy to {url}, which is not this machine: " + "; ".join(problems)
                                 + f". To fix: {HOW_TO_FIX}")


def check_cluster_init(url: str, bootstrap: Pubkey, root: Path = REPO_ROOT) -> None:
    """Refuses `gtx init` on a non-loopback `url` with a bootstrap keypair that is committed under keys/."""
    if is_loopback_url(url):
        return
    committed = committed_pubkeys(root)
    if bootstrap in committed or bootstrap == localnet_bootstrap_pubkey(root):
        where = committed.get(bootstrap, "keys/bootstrap-authority-keypair.json")
        raise DeploymentKeyError(f"refusing to initialise programs on {url}, which is not this machine, with "
                                 f"bootstrap key {bootstrap}: its keypair is committed as {where}, so anyone could "
                                 f"have initialised them first. To fix: {HOW_TO_FIX}")
