#!/usr/bin/env bash
# An arm64 (Raspberry Pi OS Lite-like) Debian bookworm root filesystem for testing the meter gateway under qemu-user,
# cached outside the repo, and a way to run a command in it. Needs root (apt-get, mount, chroot). See docs/arm64.md.
#
#   scripts/arm64-root.sh                       build (or reuse) the root; prints one line: where it is, how long it took
#   scripts/arm64-root.sh --print-root          build (or reuse) the root; prints only its path
#   scripts/arm64-root.sh [--bind SRC[:DEST[:ro]]]... [--workdir DIR] --run CMD [ARG...]
#                                               run CMD inside the root (chroot under qemu-aarch64), exit with its code
#
# Idempotent: installs qemu-user-static/debootstrap/binfmt-support with apt if missing, mounts binfmt_misc and
# registers qemu-aarch64 if needed. The root lives in ${GTX_CACHE_DIR:-$HOME/.cache/gridtokenx}/arm64-bookworm-<key>/,
# <key> hashing the suite, the package list and ARM64_ROOT_VERSION, so changing any of them builds a new root. It is
# built in <dir>.partial and renamed only after its stamp file (.gtx-arm64-root.stamp) is written, so an interrupted
# build is never reused (the next run removes the leftover, unmounting anything left mounted in it first).
#
# --run: in a private mount namespace (unshare -m, so nothing leaks even on kill -9; plain mounts undone by an EXIT
# trap if unshare is missing or GTX_ARM64_NO_UNSHARE=1) mounts /proc, binds /dev, /dev/pts, /dev/shm, /sys, and
# read-only the host's /etc/resolv.conf, CA bundle, /etc/pip.conf and pip find-links folder, so pip inside reaches the
# same package index the same way as on the host; the environment is cleared except PATH/HOME/LANG/TERM, PIP_*,
# *_proxy, GTX_*, SSL_CERT_* and REQUESTS_CA_BUNDLE. The status line goes to stderr, the command's output is its own.
# --bind SRC[:DEST[:ro]] (repeatable) binds a host path into the root (DEST defaults to SRC; ro: read-only), e.g. a
# folder of wheels or a test's tmp_path; --workdir DIR: the command's working directory inside the root (default /).
# Changes the command makes inside the root (a venv, pip installs) persist in the cached root: keep a venv in a host
# folder bound in instead (docs/arm64.md). Mount points made for binds stay behind as empty files/folders (removing
# one could detach the same mount in a concurrent run's namespace).
set -euo pipefail

ARM64_ROOT_VERSION=1
SUITE=bookworm
PACKAGES="python3,python3-venv,python3-pip,ca-certificates,time"
KEY="$(printf '%s\n' "$SUITE" "$PACKAGES" "$ARM64_ROOT_VERSION" | sha256sum | cut -c1-12)"
CACHE="${GTX_CACHE_DIR:-$HOME/.cache/gridtokenx}"
ROOTFS="$CACHE/arm64-$SUITE-$KEY"
STAMP=.gtx-arm64-root.stamp

log() { echo "arm64-root: $*" >&2; }
die() { echo "arm64-root: error: $*" >&2; exit 1; }

# ---- arguments -------------------------------------------------------------------------------------------------
MODE=build
BINDS=()
WORKDIR=/
while [ $# -gt 0 ]; do
  case "$1" in
    --print-root) MODE=print; shift ;;
    --bind) [ $# -ge 2 ] || die "--bind needs SRC[:DEST[:ro]]"; BINDS+=("$2"); shift 2 ;;
    --workdir) [ $# -ge 2 ] || die "--workdir needs a path"; WORKDIR="$2"; shift 2 ;;
    --run) MODE=run; shift; break ;;
    --run-inner) MODE=inner; shift; break ;;   # internal: already in the private mount namespace
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
if [ "$MODE" = run ] || [ "$MODE" = inner ]; then [ $# -gt 0 ] || die "--run needs a command"; fi
[ "$(id -u)" = 0 ] || die "must run as root (apt-get, mount, chroot)"

# ---- the host side: tools, binfmt -----------------------------------------------------------------------------
host_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ -x /usr/bin/qemu-aarch64-static ] || missing+=(qemu-user-static)
  command -v update-binfmts >/dev/null || missing+=(binfmt-support)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} with apt"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc"
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    update-binfmts --enable qemu-aarch64 >&2 || update-binfmts --import qemu-aarch64 >&2 || true
  fi
  grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null \
    || die "qemu-aarch64 is not registered in /proc/sys/fs/binfmt_misc (update-binfmts --enable qemu-aarch64 failed)"
}

# The interpreter is opened at registration time when the F (fix-binary) flag is set, as Debian's package does; without
# it the kernel looks the interpreter up inside the chroot, so copy it there.
qemu_into() {  # qemu_into ROOT
  local interp
  grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 && return 0
  interp="$(sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/qemu-aarch64)"
  mkdir -p "$1$(dirname "$interp")"
  cp -L "$interp" "$1$interp"
}

# The host's Debian mirror (deb822 .sources or sources.list), for debootstrap and the root's own apt sources;
# GTX_DEBIAN_MIRROR / GTX_DEBIAN_SECURITY_MIRROR override it (the mirror is not part of the cache key).
host_mirror() {  # host_mirror debian|debian-security
  local m
  m="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n' \
       | grep -E "/$1/?\$" | head -1 || true)"
  [ -n "$m" ] || m="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
       | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; break } }' \
       | grep -E "/$1/?\$" | head -1 || true)"
  m="${m:-http://deb.debian.org/$1}"
  if [ "$1" = debian ]; then m="${GTX_DEBIAN_MIRROR:-$m}"; else m="${GTX_DEBIAN_SECURITY_MIRROR:-$m}"; fi
  echo "${m%/}"
}

mounts_under() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo; }
# Unmount everything mounted at or below a path (deepest first), then delete it without crossing file systems.
remove_tree() {  # remove_tree DIR
  local dir="$1" mp
  [ -e "$dir" ] || return 0
  dir="$(cd "$dir" && pwd -P)"
  mounts_under "$dir" | sort -r | while read -r mp; do umount -l "$mp" 2>/dev/null || true; done
  if [ -n "$(mounts_under "$dir")" ]; then die "still mounted under $dir"; fi
  rm -rf --one-file-system "$dir"
}

build_root() {
  local partial="$ROOTFS.partial" mirror security
  remove_tree "$ROOTFS"          # a final dir without its stamp is not ours to trust
  remove_tree "$partial"         # left over from an interrupted run
  mirror="$(host_mirror debian)"; security="$(host_mirror debian-security)"
  log "building $ROOTFS ($SUITE arm64 from $mirror; packages $PACKAGES); this takes minutes under qemu"
  mkdir -p "$partial"
  # debootstrap runs the second stage itself through binfmt (the F flag makes the interpreter visible in the chroot)
  debootstrap --arch=arm64 --variant=minbase --include="$PACKAGES" "$SUITE" "$partial" "$mirror" \
    >"$CACHE/arm64-$SUITE-$KEY.debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/arm64-$SUITE-$KEY.debootstrap.log" >&2; remove_tree "$partial"; die "debootstrap failed"; }
  # a Pi OS user has the point-release and security updates, so take them
  cat >"$partial/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
EOF
  cp /etc/resolv.conf "$partial/etc/resolv.conf" 2>/dev/null || true
  mount -t proc proc "$partial/proc"; mount --bind /dev "$partial/dev"
  if ! chroot "$partial" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
       sh -c 'apt-get -qq update && apt-get -y -qq upgrade && apt-get clean && rm -rf /var/lib/apt/lists/*' \
       >>"$CACHE/arm64-$SUITE-$KEY.debootstrap.log" 2>&1; then
    umount "$partial/proc" "$partial/dev"; tail -20 "$CACHE/arm64-$SUITE-$KEY.debootstrap.log" >&2
    remove_tree "$partial"; die "apt-get upgrade inside the root failed"
  fi
  umount "$partial/proc" "$partial/dev"
  touch "$partial/etc/pip.conf"   # a mount point for the host's pip config in --run
  {
    echo "suite=$SUITE"; echo "arch=arm64"; echo "packages=$PACKAGES"; echo "script_version=$ARM64_ROOT_VERSION"
    echo "mirror=$mirror"; echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "python=$(chroot "$partial" python3 -c 'import sys; print(sys.version.split()[0])')"
  } >"$partial/$STAMP"
  mv "$partial" "$ROOTFS"
}

ensure_root() {  # prints the one status line to fd 3
  local t0 t1 state=reused lock
  t0=$(date +%s.%N)
  mkdir -p "$CACHE"
  host_tools
  lock="$CACHE/arm64-$SUITE-$KEY.lock"
  exec 9>"$lock"
  flock 9                        # one builder at a time; the others wait, then reuse
  if [ ! -f "$ROOTFS/$STAMP" ]; then build_root; state=built; fi
  flock -u 9; exec 9>&-
  qemu_into "$ROOTFS"
  t1=$(date +%s.%N)
  printf 'arm64 root: %s (%s in %.1f s)\n' "$ROOTFS" "$state" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" >&3
}

# ---- running a command inside ----------------------------------------------------------------------------------
MOUNTED=()
cleanup_mounts() {
  local i
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount "${MOUNTED[$i]}" 2>/dev/null || umount -l "${MOUNTED[$i]}" 2>/dev/null || true; done
  MOUNTED=()
}
bind_into() {  # bind_into SRC DEST_IN_ROOT [ro]
  local src="$1" dst="$ROOTFS$2"
  if [ -d "$src" ]; then mkdir -p "$dst"; else mkdir -p "$(dirname "$dst")"; [ -e "$dst" ] || touch "$dst"; fi
  mount --bind "$src" "$dst"; MOUNTED+=("$dst")
  if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$dst" 2>/dev/null || true; fi
}
run_inner() {
  trap cleanup_mounts EXIT
  trap 'exit 130' INT TERM HUP
  mount -t proc proc "$ROOTFS/proc"; MOUNTED+=("$ROOTFS/proc")
  bind_into /sys /sys
  bind_into /dev /dev
  if mountpoint -q /dev/pts; then bind_into /dev/pts /dev/pts; fi
  if mountpoint -q /dev/shm; then bind_into /dev/shm /dev/shm; fi
  [ -e /etc/resolv.conf ] && bind_into "$(readlink -f /etc/resolv.conf)" /etc/resolv.conf ro
  # The host's CA bundle (it may carry a proxy's CA that the root's own bundle lacks); arch-independent PEM.
  [ -f /etc/ssl/certs/ca-certificates.crt ] && bind_into /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt ro
  [ -f /etc/pip.conf ] && bind_into /etc/pip.conf /etc/pip.conf ro
  if [ -n "${PIP_FIND_LINKS:-}" ] && [ -d "$PIP_FIND_LINKS" ]; then bind_into "$PIP_FIND_LINKS" "$PIP_FIND_LINKS" ro; fi
  local b src dst opt
  for b in "${BINDS[@]}"; do
    IFS=: read -r src dst opt <<<"$b"
    [ -n "$dst" ] || dst="$src"
    [ -e "$src" ] || die "--bind: no such host path: $src"
    case "$dst" in /*) ;; *) die "--bind: DEST must be an absolute path: $b" ;; esac
    bind_into "$(readlink -f "$src")" "$dst" "${opt:-}"
  done
  local envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
              TERM="${TERM:-dumb}")
  local v
  while IFS= read -r v; do envs+=("$v=${!v}"); done < <(compgen -e | grep -E '^(PIP_|GTX_|SSL_CERT_|REQUESTS_CA_BUNDLE$|https?_proxy$|no_proxy$|HTTPS?_PROXY$|NO_PROXY$)' || true)
  # In the background (stdin kept) so a TERM/INT/HUP sent to this script reaches the command at once: bash would
  # otherwise hold the signal until a foreground child ends.
  local rc=0 child
  chroot "$ROOTFS" /usr/bin/env -i "${envs[@]}" sh -c 'cd "$1" && shift && exec "$@"' sh "$WORKDIR" "$@" <&0 &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null || true' TERM HUP
  trap 'kill -INT "$child" 2>/dev/null || true' INT
  while :; do
    if wait "$child"; then rc=0; else rc=$?; fi
    kill -0 "$child" 2>/dev/null || break   # wait was cut short by a signal: the command still runs
  done
  trap - TERM HUP INT
  cleanup_mounts
  exit "$rc"
}

case "$MODE" in
  build) exec 3>&1; ensure_root ;;
  print) exec 3>/dev/null; ensure_root; echo "$ROOTFS" ;;
  run)
    exec 3>&2; ensure_root
    args=(); for b in "${BINDS[@]}"; do args+=(--bind "$b"); done
    if [ -z "${GTX_ARM64_NO_UNSHARE:-}" ] && command -v unshare >/dev/null \
       && unshare -m --propagation private true 2>/dev/null; then
      exec unshare -m --propagation private bash "$0" "${args[@]}" --workdir "$WORKDIR" --run-inner "$@"
    fi
    run_inner "$@" ;;
  inner)
    [ -f "$ROOTFS/$STAMP" ] || die "no root at $ROOTFS"
    run_inner "$@" ;;
esac
