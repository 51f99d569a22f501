#!/usr/bin/env bash
# Put the GridTokenX meter gateway on a Raspberry Pi (or any Debian bookworm host): a venv with the wheel's
# [gateway] extra only, a system user in `dialout` (serial meters), the systemd unit, a config skeleton.
#
#   sudo scripts/install-gateway.sh gridtokenx_cli-0.1.0-py3-none-any.whl
#   sudo scripts/install-gateway.sh --prefix /opt/gridtokenx --config-dir /etc/gridtokenx WHEEL
#
# Idempotent: re-running upgrades the package and keeps an existing gateway.toml and keys. Needs python3 (≥ 3.11)
# with venv and pip reaching a package index (or PIP_FIND_LINKS / PIP_INDEX_URL for an offline mirror).
# --no-systemd / --no-user skip those steps (containers, chroots, tests). Prints what is left to do.
set -euo pipefail

PREFIX=/opt/gridtokenx
CONFIG_DIR=/etc/gridtokenx
STATE_DIR=/var/lib/gridtokenx
PYTHON=${PYTHON:-python3}
SYSTEMD=1
CREATE_USER=1
WHEEL=""
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --config-dir) CONFIG_DIR=$2; shift 2 ;;
    --state-dir) STATE_DIR=$2; shift 2 ;;
    --python) PYTHON=$2; shift 2 ;;
    --no-systemd) SYSTEMD=0; shift ;;
    --no-user) CREATE_USER=0; shift ;;
    -h|--help) usage ;;
    -*) echo "error: unknown option $1" >&2; usage ;;
    *) WHEEL=$1; shift ;;
  esac
done
[ -n "$WHEEL" ] || { echo "error: WHEEL: give the gridtokenx_cli-*.whl to install (python -m pip wheel --no-deps .)" >&2; exit 2; }
[ -f "$WHEEL" ] || { echo "error: WHEEL: $WHEEL does not exist" >&2; exit 2; }
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "error: $PYTHON is $("$PYTHON" -V 2>&1); the gateway needs Python ≥ 3.11 (Debian bookworm has 3.11)" >&2; exit 2; }
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null \
  || { echo "error: $PYTHON lacks venv/ensurepip: apt-get install python3-venv" >&2; exit 2; }

start=$(date +%s)
mkdir -p "$PREFIX"
[ -x "$PREFIX/.venv/bin/python" ] || "$PYTHON" -m venv "$PREFIX/.venv"
"$PREFIX/.venv/bin/pip" install -q --upgrade "$(realpath "$WHEEL")[gateway]"
installed=$(date +%s)

if [ "$CREATE_USER" = 1 ]; then
  getent group dialout >/dev/null || groupadd --system dialout
  id gridtokenx >/dev/null 2>&1 \
    || useradd --system --home "$STATE_DIR" --shell /usr/sbin/nologin --groups dialout gridtokenx
  usermod -aG dialout gridtokenx
fi
mkdir -p "$CONFIG_DIR/keys" "$STATE_DIR"
chmod 0750 "$CONFIG_DIR" "$CONFIG_DIR/keys"
chmod 0700 "$STATE_DIR"
if [ ! -e "$CONFIG_DIR/gateway.toml" ]; then
  cat > "$CONFIG_DIR/gateway.toml" <<'TOML'
# GridTokenX meter gateway (docs/meter-gateway.md). `gtx meter run --config` refuses unknown keys, naming them.
[gateway]
rpc_url = "http://127.0.0.1:8899"            # your cluster's RPC
keypair = "keys/gateway.json"                # the oracle's api_gateway key (gtx keys new keys/gateway.json)
queue = "/var/lib/gridtokenx/queue.sqlite"   # store-and-forward queue
listen = "127.0.0.1:9464"                    # /healthz and /metrics

# one table per meter; its key must be the one registered for it (gtx meter keys)
# [[meter]]
# id = "house-7-solar"
# keypair = "keys/house-7-solar.json"
# interval = 60
# source = { kind = "modbus-rtu", port = "/dev/ttyUSB0", device = "sdm120", unit = 1 }
TOML
  chmod 0640 "$CONFIG_DIR/gateway.toml"
fi
if [ "$CREATE_USER" = 1 ]; then
  chown -R root:gridtokenx "$CONFIG_DIR"
  chown gridtokenx:gridtokenx "$STATE_DIR"
fi

unit_src="$(dirname "$(realpath "$0")")/gtx-meter-gateway.service"
if [ "$SYSTEMD" = 1 ]; then
  sed -e "s#/opt/gridtokenx/.venv#$PREFIX/.venv#" -e "s#/etc/gridtokenx/gateway.toml#$CONFIG_DIR/gateway.toml#" \
    "$unit_src" > /etc/systemd/system/gtx-meter-gateway.service
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable gtx-meter-gateway >/dev/null
  fi
fi

echo "installed $("$PREFIX/.venv/bin/gtx" --version) in $PREFIX/.venv ($((installed - start)) s); config $CONFIG_DIR/gateway.toml"
echo "next: put the gateway and meter keys in $CONFIG_DIR/keys, list the meters in gateway.toml, then"
if [ "$SYSTEMD" = 1 ]; then
  echo "      systemctl start gtx-meter-gateway && curl -s 127.0.0.1:9464/healthz"
else
  echo "      $PREFIX/.venv/bin/gtx meter run --config $CONFIG_DIR/gateway.toml"
fi
