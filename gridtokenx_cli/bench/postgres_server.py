"""A throw-away PostgreSQL server on loopback for the centralised baselines: initdb into a folder, start with pg_ctl,
connect with psycopg. Debian's `postgresql` package provides the binaries (scripts/setup.sh installs it)."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin); "
                           "run scripts/setup.sh, which installs Debian's postgresql package")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """`with PostgresServer() as pg: psycopg.connect(pg.dsn)`. Runs as the invoking user, or as `postgres` when
    invoked as root (the server refuses to run as root)."""

    def __init__(self, data_dir: Path | None = None, port: int | None = None):
        self.bin = _bin_dir()
        self._tmp = None if data_dir else tempfile.mkdtemp(prefix="gtx-pg-")
        self.root = Path(data_dir or self._tmp)
        self.data = self.root / "data"
        self.port = port or _free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres"

    def _run(self, *cmd: str) -> None:
        argv = [str(self.bin / cmd[0]), *cmd[1:]]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def start(self) -> "PostgresServer":
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "--no-sync")
        # listen on loopback only; fsync stays on (a baseline with durability off would flatter it)
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.root / "server.log"), "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.root} -c max_connections=200", "start")
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class PgConnections:
    """One psycopg connection per client thread (the harness's clients are threads); by default each request is
    one transaction (autocommit off)."""

    def __init__(self, dsn: str, *, autocommit: bool = False):
        self.dsn = dsn
        self.autocommit = autocommit
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()

    def get(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            import psycopg

            conn = psycopg.connect(self.dsn, autocommit=self.autocommit)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
