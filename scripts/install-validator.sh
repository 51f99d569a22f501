#!/usr/bin/env bash
# solana-test-validator from crates.io (agave-validator), built once and cached outside the repo, keyed by
# version and build profile. Prints the binary path. Cold build: see README ("solana-test-validator").
set -euo pipefail
VERSION="${AGAVE_VERSION:-4.2.2}"
PROFILE="${AGAVE_PROFILE:-release}"   # cargo install's default release profile (opt-level 3, no LTO)
# opt-level 1: about a third less build CPU than the release default (3) for ~5 % longer validator suites
# (README, "Local validator"); AGAVE_OPT_LEVEL=3 builds the release default into its own cache folder
OPT_LEVEL="${AGAVE_OPT_LEVEL:-1}"
CACHE="${GTX_CACHE_DIR:-$HOME/.cache/gridtokenx}"
SUFFIX="$PROFILE"; [ "$OPT_LEVEL" = 3 ] || SUFFIX="$PROFILE-o$OPT_LEVEL"
ROOT="$CACHE/validator-$VERSION-$SUFFIX"
BIN="$ROOT/bin/solana-test-validator"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
APT_PACKAGES=(libudev-dev clang libclang-dev pkg-config libssl-dev protobuf-compiler cargo-web rustc-web)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >&2
fi
start=$(date +%s)
PATH=/usr/bin:/bin:$PATH CARGO_PROFILE_RELEASE_OPT_LEVEL="$OPT_LEVEL" /usr/bin/cargo install agave-validator --version "$VERSION" --locked \
  --bin solana-test-validator --root "$ROOT.tmp" --profile "$PROFILE" >&2
rm -rf "$ROOT"; mv "$ROOT.tmp" "$ROOT"
echo "built solana-test-validator $VERSION in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
