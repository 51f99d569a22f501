"""scripts/install-validator.sh: a prebuilt seed is installed only when version, profile and both pinned sha256
sums match; anything else would build from crates.io (GTX_VALIDATOR_NO_BUILD stops it there in these tests, so
no test starts the hour-long build)."""
from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "install-validator.sh"
SHARED_SEED = REPO.parent / "shared" / "validator-cache" / "solana-test-validator-4.2.2-o1.xz"
PINNED_XZ = "eec458d7e12659c7866890ddc96d8492af6010755a5276b808a05695103bdeed"
PINNED_BIN = "1c0b0ed1e8c70d245bc772b213f8f330105a9b965151da0775c81d126b9865fa"


def install(cache: Path, seed_dir: Path, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("AGAVE_", "GTX_"))}
    full.update(GTX_CACHE_DIR=str(cache), GTX_VALIDATOR_SEED_DIR=str(seed_dir), GTX_VALIDATOR_NO_BUILD="1", **env)
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=full, timeout=300)


def test_a_tampered_seed_is_not_installed(tmp_path):
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "solana-test-validator-4.2.2-o1.xz").write_bytes(b"\xfd7zXZ\x00 not the real binary")
    r = install(tmp_path / "cache", seed)
    assert r.returncode == 3, r.stderr
    assert f"expected {PINNED_XZ}" in r.stderr and "no build" in r.stderr
    assert not (tmp_path / "cache" / "validator-4.2.2-release-o1").exists()
    assert r.stdout == ""


def test_no_seed_or_another_version_or_profile_is_not_seeded(tmp_path):
    r = install(tmp_path / "cache", tmp_path / "nowhere")
    assert r.returncode == 3 and "no seed at" in r.stderr
    r = install(tmp_path / "cache", tmp_path / "nowhere", AGAVE_VERSION="4.2.1")
    assert r.returncode == 3 and "no pinned seed for 4.2.1-release-o1" in r.stderr
    r = install(tmp_path / "cache", tmp_path / "nowhere", AGAVE_OPT_LEVEL="3")
    assert r.returncode == 3 and "no pinned seed for 4.2.2-release-o3" in r.stderr


@pytest.mark.skipif(not SHARED_SEED.exists(), reason=f"no seed at {SHARED_SEED}")
def test_the_shared_seed_installs_verified_and_is_then_cached(tmp_path):
    cache = tmp_path / "cache"
    r = install(cache, SHARED_SEED.parent)
    assert r.returncode == 0, r.stderr
    binary = cache / "validator-4.2.2-release-o1" / "bin" / "solana-test-validator"
    assert r.stdout.strip() == str(binary)
    assert "installed from seed" in r.stderr and "both sha256 verified" in r.stderr
    assert "solana-test-validator 4.2.2" in r.stderr
    assert hashlib.sha256(binary.read_bytes()).hexdigest() == PINNED_BIN
    again = install(cache, tmp_path / "nowhere")
    assert again.returncode == 0 and again.stdout.strip() == str(binary)
    assert f"cached at {binary}" in again.stderr
