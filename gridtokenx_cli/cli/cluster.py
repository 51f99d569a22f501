"""`gtx cluster …`: a permissioned cluster of 2-4 agave-validator nodes of equal stake on this machine (loopback, or
one network namespace per node with emulated latency). State in .gtx/cluster/ (docs/cluster.md)."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import typer

from .common import Settings, emit, fail, kv_table

app = typer.Typer(help="Multi-validator PoA cluster on this machine (agave-validator, state in .gtx/cluster)",
                  no_args_is_help=True)


def _cluster(base_port: int | None = None):
    """The cluster in .gtx/cluster, or GTX_CLUSTER_DIR; the base port of a new one from --base-port or
    GTX_CLUSTER_BASE_PORT."""
    from gridtokenx_cli.cluster import DEFAULT_BASE_PORT, DEFAULT_ROOT, Cluster

    root = Path(os.environ["GTX_CLUSTER_DIR"]) if os.environ.get("GTX_CLUSTER_DIR") else DEFAULT_ROOT
    port = base_port or int(os.environ.get("GTX_CLUSTER_BASE_PORT") or DEFAULT_BASE_PORT)
    return Cluster(root, port)


def _say(settings: Settings):
    from .common import err_console

    def say(msg: str) -> None:
        if not settings.json:
            err_console.print(msg, highlight=False)
    return say


@app.command("up")
def up(ctx: typer.Context,
       nodes: int = typer.Option(3, "--nodes", "-n", min=2, max=4, help="validators (equal stake)"),
       latency: float = typer.Option(0.0, "--latency", min=0, help="ms of delay on every packet a node sends "
                                     "(one network namespace per node, netem; needs root)"),
       jitter: float = typer.Option(0.0, "--jitter", min=0, help="ms of jitter around --latency"),
       loss: float = typer.Option(0.0, "--loss", min=0, max=100, help="percent of packets lost"),
       base_port: int = typer.Option(None, "--base-port", help="node K's RPC port is BASE + 50*K (default 22000, "
                                     "or GTX_CLUSTER_BASE_PORT)"),
       fund: bool = typer.Option(True, "--fund/--no-fund", help="give the --keypair account 1,000,000 SOL in the "
                                 "genesis (the faucet serves requestAirdrop as well)"),
       timeout: float = typer.Option(240.0, "--timeout", help="seconds to wait until every node is healthy")) -> None:
    """Build a genesis with NODES staked validators and start them; waits until all are healthy and a slot is
    finalized. Replaces the previous cluster's state (refused while it runs)."""
    from gridtokenx_cli.cluster import ClusterError
    from gridtokenx_cli.keypairs import keypair_pubkey

    settings: Settings = ctx.obj
    cluster = _cluster(base_port)
    funded = []
    if fund and Path(settings.keypair_path).expanduser().is_file():
        funded.append(str(keypair_pubkey(Path(settings.keypair_path).expanduser())))
    t0 = time.monotonic()
    try:
        lay = cluster.up(nodes, latency_ms=latency, jitter_ms=jitter, loss_pct=loss, fund=funded, timeout=timeout,
                         log=_say(settings))
    except ClusterError as e:
        fail(str(e))
    data = {"nodes": [{"node": n.index, "url": n.url, "identity": n.identity, "ip": n.ip, "netns": n.netns}
                      for n in lay.nodes],
            "mode": lay.mode, "latency_applied": lay.latency_applied, "note": lay.latency_note,
            "genesis_hash": lay.genesis_hash, "funded": lay.funded, "seconds": round(time.monotonic() - t0, 1)}
    rows = {f"node {n.index}": f"{n.url}  {n.identity}" + (f"  ({n.netns} {n.ip})" if n.netns else "")
            for n in lay.nodes}
    rows |= {"mode": lay.mode, "genesis": lay.genesis_hash, "funded": ", ".join(lay.funded) or "-",
             "seconds": data["seconds"]}
    if lay.latency_note:
        rows["note"] = lay.latency_note
    emit(settings, data, kv_table("cluster up", rows))


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Per node: pid, health, processed/confirmed/finalized slot, leader slots this epoch, vote credits, RSS, CPU."""
    from rich.table import Table

    from gridtokenx_cli.cluster import ClusterError

    settings: Settings = ctx.obj
    try:
        info = _cluster().status()
    except ClusterError as e:
        fail(str(e))
    if settings.json:
        emit(settings, info)
    else:
        ep = info.get("epoch") or {}
        title = (f"cluster ({info['mode']}) epoch {ep.get('epoch', '?')} slot {ep.get('absoluteSlot', '?')} "
                 f"leader {str(info.get('slot_leader') or '?')[:8]}")
        table = Table(title=title)
        cols = ("node", "pid", "health", "slot", "confirmed", "finalized", "leader_slots_in_epoch", "vote_credits",
                "vote_delinquent", "rss_mib", "cpu_s", "url", "identity")
        for c in cols:
            table.add_column(c)
        for row in info["nodes"]:
            table.add_row(*(str(row.get(c, "-")) for c in cols))
        emit(settings, info, table)
        if info.get("next_leaders"):
            print("leaders of the next 16 slots (node): " + " ".join(map(str, info["next_leaders"])))
        if "latency" in info:
            lat = info["latency"]
            print(f"latency {lat['ms']} ms jitter {lat['jitter_ms']} ms loss {lat['loss_pct']} %: "
                  + ("applied (netem)" if lat["applied"] else lat["note"]))
    if any(row.get("health") != "ok" for row in info["nodes"]):
        raise typer.Exit(1)


@app.command("logs")
def logs(node: int = typer.Argument(..., help="node index"),
         lines: int = typer.Option(50, "--lines", "-n", help="how many lines")) -> None:
    """The last lines of a node's validator log."""
    from gridtokenx_cli.cluster import ClusterError

    cluster = _cluster()
    try:
        cluster.node(node)
    except ClusterError as e:
        fail(str(e))
    print(cluster.tail(node, lines))


@app.command("kill")
def kill(ctx: typer.Context, node: int = typer.Argument(..., help="node index"),
         sig: str = typer.Option("KILL", "--signal", help="KILL (a crash, default) or TERM")) -> None:
    """Stop one node (SIGKILL: as if it crashed). `gtx cluster restart NODE` brings it back on its ledger."""
    from gridtokenx_cli.cluster import ClusterError

    try:
        pid = _cluster().kill(node, getattr(signal, f"SIG{sig.upper()}"))
    except (ClusterError, AttributeError) as e:
        fail(str(e))
    emit(ctx.obj, {"node": node, "killed_pid": pid}, kv_table("cluster kill", {"node": node, "pid": pid or "not "
                                                                                "running"}))


@app.command("restart")
def restart(ctx: typer.Context, node: int = typer.Argument(..., help="node index"),
            timeout: float = typer.Option(240.0, "--timeout", help="seconds to wait until it is healthy")) -> None:
    """Restart one node on its ledger (stopping it first if it runs) and wait until it is healthy."""
    from gridtokenx_cli.cluster import ClusterError

    t0 = time.monotonic()
    try:
        pid = _cluster().restart(node, timeout=timeout)
    except ClusterError as e:
        fail(str(e))
    data = {"node": node, "pid": pid, "seconds": round(time.monotonic() - t0, 1)}
    emit(ctx.obj, data, kv_table("cluster restart", data))


@app.command("down")
def down(ctx: typer.Context) -> None:
    """Stop every node and the faucet helper; delete the namespaces, veths and bridge of a netns cluster."""
    result = _cluster().down()
    emit(ctx.obj, result, kv_table("cluster down", {k: ", ".join(map(str, v)) if isinstance(v, list) else v
                                                    for k, v in result.items()}))
