#!/usr/bin/env bash
# solana-test-validator from crates.io (agave-validator), built once and cached outside the repo, keyed by
# version and build profile. Prints the binary path on stdout; one line on stderr says where it came from
# (cache, seed or build). Cold build: see README ("Local validator").
#
# Seed: a prebuilt binary in $GTX_VALIDATOR_SEED_DIR (default: ../shared/validator-cache beside the checkout) named
# solana-test-validator-<version>-o<opt-level>.xz is installed instead of building when its version and profile
# match and both sha256 sums pinned below (the .xz and the binary) verify; anything else builds from crates.io.
#
# --cluster: the binaries of `gtx cluster` (docs/cluster.md) instead — agave-validator, solana-test-validator and
# solana-genesis in one cache folder, $CACHE/agave-<version>-<profile>-o<opt-level>/bin, whose path is printed on
# stdout. Built by two `cargo install`s sharing one CARGO_TARGET_DIR (the second reuses the first's dependencies), or
# seeded from agave-validator-/solana-test-validator-/solana-genesis-<version>-o<opt-level>.xz in the seed folder
# when all three match their pinned sums. scripts/test.sh never asks for this (a cold build takes about 70 min).
set -euo pipefail
CLUSTER=""
if [ "${1:-}" = --cluster ]; then CLUSTER=1; shift; fi
if [ $# -gt 0 ]; then echo "usage: $0 [--cluster]" >&2; exit 2; fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="${AGAVE_VERSION:-4.2.2}"
PROFILE="${AGAVE_PROFILE:-release}"   # cargo install's default release profile (opt-level 3, no LTO)
# opt-level 1: about a third less build CPU than the release default (3) for ~5 % longer validator suites
# (README, "Local validator"); AGAVE_OPT_LEVEL=3 builds the release default into its own cache folder
OPT_LEVEL="${AGAVE_OPT_LEVEL:-1}"
CACHE="${GTX_CACHE_DIR:-$HOME/.cache/gridtokenx}"
SEED_DIR="${GTX_VALIDATOR_SEED_DIR:-$(cd "$ROOT/.." && pwd)/shared/validator-cache}"
SUFFIX="$PROFILE"; [ "$OPT_LEVEL" = 3 ] || SUFFIX="$PROFILE-o$OPT_LEVEL"
if [ -n "$CLUSTER" ]; then
  # Pinned sums of trusted cluster seeds: "<name>-<version>-<profile>-o<opt-level> <sha256 of .xz or -> <sha256 of
  # the binary>" ("-": the .xz is not pinned, the binary inside it still is). The binary sums are those of the
  # build made on the project's machine (docs/cluster.md); solana-test-validator's seed is the one pinned below.
  CLUSTER_SEEDS="
agave-validator-4.2.2-release-o1 - @AGAVE_VALIDATOR_SHA256@
solana-test-validator-4.2.2-release-o1 eec458d7e12659c7866890ddc96d8492af6010755a5276b808a05695103bdeed 1c0b0ed1e8c70d245bc772b213f8f330105a9b965151da0775c81d126b9865fa
solana-genesis-4.2.2-release-o1 - @SOLANA_GENESIS_SHA256@
"
  CDEST="$CACHE/agave-$VERSION-$SUFFIX"
  NAMES=(agave-validator solana-test-validator solana-genesis)
  have_all() { local n; for n in "${NAMES[@]}"; do [ -x "$1/bin/$n" ] || return 1; done; }
  if have_all "$CDEST"; then echo "agave cluster binaries: cached at $CDEST/bin" >&2; echo "$CDEST/bin"; exit 0; fi
  # Installs all three seeds into $CDEST and returns 0, or prints why not and returns 1.
  install_cluster_seeds() {
    local tmp="$CDEST.seed.tmp" n xz pinned want_xz want_bin got
    rm -rf "$tmp"; mkdir -p "$tmp/bin"
    for n in "${NAMES[@]}"; do
      xz="$SEED_DIR/$n-$VERSION-o$OPT_LEVEL.xz"
      pinned="$(awk -v k="$n-$VERSION-$PROFILE-o$OPT_LEVEL" '$1 == k {print $2, $3}' <<<"$CLUSTER_SEEDS")"
      read -r want_xz want_bin <<<"$pinned"
      if [ -z "$pinned" ] || [[ "$want_bin" == @* ]]; then echo "no pinned seed for $n"; rm -rf "$tmp"; return 1; fi
      if [ ! -f "$xz" ]; then echo "no seed at $xz"; rm -rf "$tmp"; return 1; fi
      if [ "$want_xz" != - ]; then
        got="$(sha256sum "$xz" | cut -d' ' -f1)"
        if [ "$got" != "$want_xz" ]; then echo "seed $xz: sha256 $got, expected $want_xz"; rm -rf "$tmp"; return 1; fi
      fi
      if ! xz -dc "$xz" >"$tmp/bin/$n"; then echo "seed $xz: xz failed"; rm -rf "$tmp"; return 1; fi
      got="$(sha256sum "$tmp/bin/$n" | cut -d' ' -f1)"
      if [ "$got" != "$want_bin" ]; then
        echo "seed $xz: binary sha256 $got, expected $want_bin"; rm -rf "$tmp"; return 1
      fi
      chmod 755 "$tmp/bin/$n"
      if ! got="$("$tmp/bin/$n" --version 2>&1)"; then
        echo "seed $xz: the binary does not run here: $got"; rm -rf "$tmp"; return 1
      fi
    done
    rm -rf "$CDEST"; mv "$tmp" "$CDEST"
    echo "from seeds in $SEED_DIR (sha256 verified; $got)"
  }
  mkdir -p "$CACHE"
  if why="$(install_cluster_seeds)"; then
    echo "agave cluster binaries: installed $why" >&2; echo "$CDEST/bin"; exit 0
  fi
  if [ -n "${GTX_VALIDATOR_NO_BUILD:-}" ]; then
    echo "agave cluster binaries: not installed ($why); GTX_VALIDATOR_NO_BUILD is set, so no build" >&2; exit 3
  fi
fi
DEST="$CACHE/validator-$VERSION-$SUFFIX"
BIN="$DEST/bin/solana-test-validator"
if [ -x "$BIN" ]; then echo "solana-test-validator: cached at $BIN" >&2; echo "$BIN"; exit 0; fi

# Pinned sums of the seeds we trust: "<version>-<profile>-o<opt-level> <sha256 of .xz> <sha256 of the binary>".
# A seed whose sums are not listed here is never installed.
SEEDS="
4.2.2-release-o1 eec458d7e12659c7866890ddc96d8492af6010755a5276b808a05695103bdeed 1c0b0ed1e8c70d245bc772b213f8f330105a9b965151da0775c81d126b9865fa
"

# Installs the seed into $DEST and returns 0, or prints why not and returns 1.
install_seed() {
  local xz="$SEED_DIR/solana-test-validator-$VERSION-o$OPT_LEVEL.xz" key="$VERSION-$PROFILE-o$OPT_LEVEL"
  local pinned want_xz want_bin got tmp
  pinned="$(awk -v k="$key" '$1 == k {print $2, $3}' <<<"$SEEDS")"
  if [ -z "$pinned" ]; then echo "no pinned seed for $key"; return 1; fi
  if [ ! -f "$xz" ]; then echo "no seed at $xz"; return 1; fi
  read -r want_xz want_bin <<<"$pinned"
  got="$(sha256sum "$xz" | cut -d' ' -f1)"
  if [ "$got" != "$want_xz" ]; then echo "seed $xz: sha256 $got, expected $want_xz"; return 1; fi
  tmp="$DEST.seed.tmp"; rm -rf "$tmp"; mkdir -p "$tmp/bin"
  if ! xz -dc "$xz" >"$tmp/bin/solana-test-validator"; then echo "seed $xz: xz failed"; rm -rf "$tmp"; return 1; fi
  got="$(sha256sum "$tmp/bin/solana-test-validator" | cut -d' ' -f1)"
  if [ "$got" != "$want_bin" ]; then
    echo "seed $xz: binary sha256 $got, expected $want_bin"; rm -rf "$tmp"; return 1
  fi
  chmod 755 "$tmp/bin/solana-test-validator"
  if ! got="$("$tmp/bin/solana-test-validator" --version 2>&1)"; then
    echo "seed $xz: the binary does not run here: $got"; rm -rf "$tmp"; return 1
  fi
  rm -rf "$DEST"; mv "$tmp" "$DEST"
  echo "from seed $xz (both sha256 verified; $got)"
}

mkdir -p "$CACHE"
if why="$(install_seed)"; then
  echo "solana-test-validator: installed $why" >&2
  echo "$BIN"; exit 0
fi
if [ -n "${GTX_VALIDATOR_NO_BUILD:-}" ]; then  # for tests of the seed path: never start a long build
  echo "solana-test-validator: not installed ($why); GTX_VALIDATOR_NO_BUILD is set, so no build" >&2; exit 3
fi

APT_PACKAGES=(libudev-dev clang libclang-dev pkg-config libssl-dev protobuf-compiler cargo-web rustc-web)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >&2
fi
start=$(date +%s)
if [ -n "$CLUSTER" ]; then
  # one target dir for both crates, kept beside the cache: solana-genesis reuses agave-validator's dependencies
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/agave-$VERSION-target}"
  rm -rf "$CDEST.tmp"
  PATH=/usr/bin:/bin:$PATH CARGO_PROFILE_RELEASE_OPT_LEVEL="$OPT_LEVEL" /usr/bin/cargo install agave-validator \
    --version "$VERSION" --locked --bin agave-validator --bin solana-test-validator --root "$CDEST.tmp" \
    --profile "$PROFILE" >&2
  PATH=/usr/bin:/bin:$PATH CARGO_PROFILE_RELEASE_OPT_LEVEL="$OPT_LEVEL" /usr/bin/cargo install solana-genesis \
    --version "$VERSION" --locked --root "$CDEST.tmp" --profile "$PROFILE" >&2
  rm -rf "$CDEST"; mv "$CDEST.tmp" "$CDEST"
  echo "agave cluster binaries: built from crates.io ($why) in $(( $(date +%s) - start )) s" >&2
  echo "$CDEST/bin"; exit 0
fi
PATH=/usr/bin:/bin:$PATH CARGO_PROFILE_RELEASE_OPT_LEVEL="$OPT_LEVEL" /usr/bin/cargo install agave-validator --version "$VERSION" --locked \
  --bin solana-test-validator --root "$DEST.tmp" --profile "$PROFILE" >&2
rm -rf "$DEST"; mv "$DEST.tmp" "$DEST"
echo "solana-test-validator: built from crates.io ($why) in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
