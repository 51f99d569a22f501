"""The SDK and the CLI import without LiteSVM (aarch64 solders 0.26 has none) and without the optional extras
(bench: matplotlib/psycopg, build: pyelftools, gateway: pyserial/pymodbus): each module is imported in a fresh
interpreter where those imports fail, as on a Raspberry Pi with `pip install gridtokenx-cli[gateway]`."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BLOCKER = textwrap.dedent("""
    import importlib, pkgutil, sys
    BLOCKED = {blocked!r}
    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED or name in BLOCKED:
                raise ImportError(f"{{name}} is not installed here")
    sys.meta_path.insert(0, Block())
""")

#: may need what is blocked: the LiteSVM fixtures and backend and the benchmarks on them, the SBF build, the meter
#: drivers
ALLOWED = {
    "gridtokenx_cli.chain.embedded", "gridtokenx_cli.chain.persistent", "gridtokenx_cli.bench.blockbench_cu",
    "gridtokenx_cli.bench.programs_cu", "gridtokenx_cli.testing.elf_craft", "gridtokenx_cli.testing.meter_rig",
    "gridtokenx_cli.bench.book_cu", "gridtokenx_cli.testing.energy_token", "gridtokenx_cli.testing.governance",
    "gridtokenx_cli.testing.oracle", "gridtokenx_cli.testing.registry", "gridtokenx_cli.testing.trading",
    "gridtokenx_cli.bench.workloads.blockbench", "gridtokenx_cli.bench.workloads.ycsb",
    "gridtokenx_cli.toolchain.build", "gridtokenx_cli.toolchain.relink", "gridtokenx_cli.meter.emulator",
    "gridtokenx_cli.toolchain.sizes",
    "gridtokenx_cli.meter.sources.iec62056", "gridtokenx_cli.meter.sources.modbus",
}


def _run(code: str, blocked: set[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCKER.format(blocked=sorted(blocked)) + code],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_every_sdk_and_cli_module_imports_without_litesvm_and_extras():
    code = textwrap.dedent(f"""
        import gridtokenx_cli
        failed = []
        for m in pkgutil.walk_packages(gridtokenx_cli.__path__, "gridtokenx_cli."):
            if m.name.endswith("__main__") or m.name in {sorted(ALLOWED)!r}:
                continue
            try:
                importlib.import_module(m.name)
            except Exception as e:
                failed.append(f"{{m.name}}: {{e!r}}")
        print("\\n".join(failed))
        sys.exit(1 if failed else 0)
    """)
    r = _run(code, {"solders.litesvm", "matplotlib", "psycopg", "elftools", "serial", "pymodbus"})
    assert r.returncode == 0, r.stdout + r.stderr


def test_no_sdk_or_cli_module_loads_the_test_fixtures():
    """gridtokenx_cli.testing (LiteSVM fixtures) is for tests, the demo and the benchmarks: importing any other
    module — the clients, the chain, the CLI, the gateway — must not pull it in."""
    code = textwrap.dedent("""
        import importlib, pkgutil, subprocess, sys
        import gridtokenx_cli
        from pathlib import Path
        root = Path(gridtokenx_cli.__file__).parent  # listed from the files: walk_packages would import packages
        names = sorted(".".join(("gridtokenx_cli", *p.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
                       for p in root.rglob("*.py") if "generated" not in p.parts)
        names = [n for n in names if not n.endswith("__main__")
                 and not n.startswith(("gridtokenx_cli.testing", "gridtokenx_cli.bench", "gridtokenx_cli.demo"))]
        loads = lambda: any(m.startswith("gridtokenx_cli.testing") for m in sys.modules)
        for name in names:
            importlib.import_module(name)
        if not loads():
            sys.exit(0)
        # something pulled it in: name the modules, each in a fresh interpreter
        bad = []
        for name in names:
            r = subprocess.run([sys.executable, "-c", f"import sys, {name}; "
                                "print(any(m.startswith('gridtokenx_cli.testing') for m in sys.modules))"],
                               capture_output=True, text=True)
            if r.stdout.strip() != "False":
                bad.append(f"{name}: {r.stdout.strip()} {r.stderr[-200:]}")
        print("\\n".join(bad))
        sys.exit(1)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_blocker_works():
    """The check above can fail: a module that needs LiteSVM is reported."""
    r = _run("import gridtokenx_cli.chain.embedded", {"solders.litesvm"})
    assert r.returncode != 0 and "solders.litesvm is not installed here" in r.stderr


def test_cli_commands_run_without_litesvm():
    code = textwrap.dedent("""
        from typer.testing import CliRunner
        from gridtokenx_cli.cli import app
        for args in (["--version"], ["trade", "--help"], ["registry", "--help"], ["status", "--help"],
                     ["meter", "--help"], ["governance", "--help"], ["oracle", "--help"], ["token", "--help"]):
            r = CliRunner().invoke(app, args)
            assert r.exit_code == 0, (args, r.output)
    """)
    r = _run(code, {"solders.litesvm", "matplotlib", "psycopg", "elftools"})
    assert r.returncode == 0, r.stdout + r.stderr


def test_program_facts_come_from_the_package(tmp_path, monkeypatch):
    """No checkout: ids from the generated clients (overridable by a file), IDLs from package data."""
    from gridtokenx_cli import idls
    from gridtokenx_cli.chain.workspace import Workspace

    ws = Workspace.load(root=tmp_path)  # no Anchor.toml there
    assert not ws.is_checkout
    assert ws.program_id("trading") == idls.generated_program_id("trading")
    assert idls.legacy_idl("oracle")["name"] == "oracle"
    ids = tmp_path / "ids.toml"
    ids.write_text('[programs]\nregistry = "11111111111111111111111111111111"\n')
    monkeypatch.setenv("GTX_PROGRAM_IDS", str(ids))
    assert str(Workspace.load(root=tmp_path).program_id("registry")) == "11111111111111111111111111111111"
    ids.write_text('[programs]\nregistri = "11111111111111111111111111111111"\n')
    try:
        idls.program_ids(ids)
    except ValueError as e:
        assert "programs.registri is not a GridTokenX program" in str(e)
    else:
        raise AssertionError("an unknown program name was accepted")
