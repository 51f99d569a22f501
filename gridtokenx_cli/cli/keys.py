"""`gtx keys …`: keypair files (Solana CLI format, a JSON list of 64 bytes), created with mode 0600."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.table import Table

from gridtokenx_cli.chain.workspace import REPO_ROOT

from gridtokenx_cli.keypairs import keypair_pubkey, write_keypair
from gridtokenx_cli.toolchain.native_programs import NATIVE_PROGRAMS

from .common import Settings, emit, err_console, kv_table, load_keypair, usage_error

app = typer.Typer(help="Create and show keypairs; keep program ids in step with their keypairs", no_args_is_help=True)




@app.command("new")
def new(ctx: typer.Context, path: Path = typer.Argument(..., help="where to write the keypair file"),
        force: bool = typer.Option(False, "--force", help="overwrite an existing file")) -> None:
    """Create a keypair file (mode 0600)."""
    from solders.keypair import Keypair

    path = path.expanduser()
    if path.exists() and not force:
        usage_error("PATH", f"{path} already exists", "pass --force to overwrite it (the old key is lost)")
    keypair = Keypair()
    write_keypair(path, keypair)
    emit(ctx.obj, {"path": str(path), "pubkey": str(keypair.pubkey())},
         kv_table("new keypair", {"path": path, "pubkey": keypair.pubkey()}))


@app.command("show")
def show(ctx: typer.Context, path: Path = typer.Argument(None, help="keypair file (default: --keypair)")) -> None:
    """Show the public key of a keypair (a file, stdin or prompt://) and warn about loose file permissions."""
    from gridtokenx_cli.keypairs import is_file_source

    settings: Settings = ctx.obj
    path = path or settings.keypair_path
    keypair = load_keypair(path, "PATH")
    data = {"path": str(path), "pubkey": str(keypair.pubkey())}
    if is_file_source(path):
        mode = Path(path).expanduser().stat().st_mode & 0o777
        data |= {"mode": oct(mode), "private": mode & 0o077 == 0}
    emit(settings, data, kv_table("keypair", data))


@app.command("new-deployment")
def new_deployment(ctx: typer.Context,
                   directory: Path = typer.Argument(..., help="a new or empty folder for the deployment's keys "
                                                              "(keep it off git and off shared disks)")) -> None:
    """Make a deployment's own keys: a bootstrap authority and one keypair per program (docs/deployment.md).

    keys/ holds the localnet keys, which are committed and so public; gtx deploy and gtx init refuse them on any
    cluster that is not this machine."""
    from solders.keypair import Keypair

    directory = directory.expanduser()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        usage_error("DIR", f"{directory} exists and is not an empty folder",
                    "choose a new folder: existing keys are never overwritten")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    bootstrap = Keypair()
    write_keypair(directory / "bootstrap-authority-keypair.json", bootstrap)
    programs = {}
    for name in _programs(REPO_ROOT):
        keypair = Keypair()
        write_keypair(directory / "programs" / f"{name}-keypair.json", keypair)
        programs[name] = str(keypair.pubkey())
    (directory / "programs").chmod(0o700)
    next_steps = [
        f"cp {directory}/programs/*-keypair.json keys/programs/ && gtx keys sync   # program ids follow the new keys",
        f"gtx build --bootstrap-authority {bootstrap.pubkey()}",
        "gtx deploy -u <cluster URL> -k <upgrade authority keypair>",
        f"gtx init -u <cluster URL> --bootstrap-keypair {directory}/bootstrap-authority-keypair.json",
    ]
    data = {"directory": str(directory), "bootstrap_authority": str(bootstrap.pubkey()), "programs": programs,
            "next": next_steps}
    emit(ctx.obj, data, kv_table("new deployment keys (mode 0600; back them up offline)",
                                 {"directory": directory, "bootstrap authority": bootstrap.pubkey(),
                                  **{f"program {n}": pid for n, pid in programs.items()},
                                  **{f"next {i + 1}": step for i, step in enumerate(next_steps)}}))


# ----------------------------------------------------------------------------- keys sync
# The program keypair (keys/programs/<name>-keypair.json) is the source of truth, as with `anchor keys sync`;
# every place that spells a program id follows it. The shared crate's own `declare_id!` is the governance id
# (its #[account] types are governance-owned), and ids.rs holds one `NAME: Pubkey = pubkey!(…)` per program.
COMMON_DECLARE_ID_PROGRAM = "governance"
DECLARE_ID = re.compile(r'declare_id!\("([1-9A-HJ-NP-Za-km-z]+)"\)')


@dataclass
class IdMismatch:
    program: str
    file: str
    found: str | None
    expected: str
    fixed: bool = False


def _programs(root: Path) -> list[str]:
    import tomllib

    listed = tomllib.loads((root / "Anchor.toml").read_text()).get("programs", {}).get("localnet", {})
    crates = {p.parent.parent.name for p in (root / "programs").glob("*/src/lib.rs")}
    return sorted((set(listed) | crates) - set(NATIVE_PROGRAMS))  # their ids come from an interface, not a keypair


def _replace_declare_id(text: str, expected: str) -> tuple[str | None, str]:
    m = DECLARE_ID.search(text)
    if not m:
        return None, text
    return m.group(1), text[:m.start(1)] + expected + text[m.end(1):]


def _replace_anchor_toml(text: str, name: str, expected: str) -> tuple[str | None, str]:
    """Edit the [programs.localnet] line in place (comments and order kept); add it when missing."""
    section = re.search(r"^\[programs\.localnet\][^\n]*\n", text, re.M)
    if not section:
        return None, text.rstrip("\n") + f'\n\n[programs.localnet]\n{name} = "{expected}"\n'
    end = re.search(r"^\[", text[section.end():], re.M)
    body_end = section.end() + (end.start() if end else len(text) - section.end())
    body = text[section.end():body_end]
    line = re.search(rf'^{re.escape(name)}\s*=\s*"([^"]*)"', body, re.M)
    if line is None:
        insert = body.rstrip("\n") + ("\n" if body.strip() else "") + f'{name} = "{expected}"\n'
        trailing = body[len(body.rstrip("\n")):]
        return None, text[:section.end()] + insert + (trailing[1:] if body.strip() else trailing) + text[body_end:]
    start, stop = section.end() + line.start(1), section.end() + line.end(1)
    return line.group(1), text[:start] + expected + text[stop:]


def _replace_const(text: str, const: str, expected: str) -> tuple[str | None, str]:
    m = re.search(rf'pub const {const}: Pubkey = pubkey!\("([^"]*)"\)', text)
    if not m:
        return None, text
    return m.group(1), text[:m.start(1)] + expected + text[m.end(1):]


def sync_program_ids(root: Path, *, fix: bool) -> tuple[list[IdMismatch], list[str]]:
    """Compare (and with fix=True rewrite) every program id spelling against the keypairs.

    Returns (mismatches, problems): a mismatch names the file, the id found there (None: missing) and the
    keypair's id; problems are programs without a keypair file (never invented silently).
    """

    mismatches: list[IdMismatch] = []
    problems: list[str] = []
    edits: dict[Path, str] = {}

    def text_of(path: Path) -> str:
        return edits.get(path, path.read_text())

    def check(path: Path, name: str, replace) -> None:
        if not path.exists():
            return
        found, new_text = replace(text_of(path))
        if found != expected:
            if found is None and replace is not anchor_replace:
                return  # that file does not spell this id (e.g. a crate without declare_id!)
            mismatches.append(IdMismatch(name, str(path.relative_to(root)), found, expected, fix))
            edits[path] = new_text

    for name in _programs(root):
        keypair_file = root / "keys" / "programs" / f"{name}-keypair.json"
        if not keypair_file.exists():
            problems.append(f"{name}: no keypair {keypair_file.relative_to(root)}; create it with "
                            f"`gtx keys new {keypair_file.relative_to(root)}` (it decides the program id)")
            continue
        try:
            expected = str(keypair_pubkey(keypair_file))
        except (ValueError, TypeError):
            problems.append(f"{name}: {keypair_file.relative_to(root)} is not a keypair file (JSON list of 64 bytes)")
            continue

        def anchor_replace(text: str, name=name, expected=expected):
            return _replace_anchor_toml(text, name, expected)

        check(root / "Anchor.toml", name, anchor_replace)
        check(root / "programs" / name / "src" / "lib.rs", name,
              lambda text, e=expected: _replace_declare_id(text, e))
        common = root / "crates" / "gridtokenx-common" / "src"
        check(common / "ids.rs", name, lambda text, n=name, e=expected: _replace_const(text, n.upper(), e))
        if name == COMMON_DECLARE_ID_PROGRAM:
            check(common / "lib.rs", name, lambda text, e=expected: _replace_declare_id(text, e))
        deployed_copy = root / "target" / "deploy" / keypair_file.name
        if deployed_copy.exists() and deployed_copy.read_bytes() != keypair_file.read_bytes():
            mismatches.append(IdMismatch(name, str(deployed_copy.relative_to(root)), "(other keypair)", expected, fix))
            if fix:
                shutil.copyfile(keypair_file, deployed_copy)
    if fix:
        for path, text in edits.items():
            path.write_text(text)
    return mismatches, problems


@app.command("sync")
def sync(ctx: typer.Context,
         check: bool = typer.Option(False, "--check", help="only report mismatches; exit 1 if there are any (CI)"),
         root: Path = typer.Option(REPO_ROOT, "--root", help="workspace root (default: this checkout)")) -> None:
    """Make declare_id!, the shared crate's ids, Anchor.toml and target/deploy follow keys/programs/*.json."""
    settings: Settings = ctx.obj
    if not (root / "Anchor.toml").exists():
        usage_error("--root", f"{root} has no Anchor.toml", "point --root at the workspace root")
    mismatches, problems = sync_program_ids(root, fix=not check)
    rows = [m.__dict__ for m in mismatches]
    table = Table(title="gtx keys sync" + (" --check" if check else ""))
    for col in ("program", "file", "found", "expected"):
        table.add_column(col)
    for m in mismatches:
        table.add_row(m.program, m.file, str(m.found), m.expected)
    emit(settings, {"mismatches": rows, "problems": problems, "fixed": not check and bool(rows)},
         table if rows else kv_table("gtx keys sync", {"program ids": "in step with keys/programs/"}))
    for problem in problems:
        err_console.print(f"[red]error:[/red] {problem}", soft_wrap=True)
    if not check and any(m.file.endswith(".rs") for m in mismatches) and not settings.json:
        err_console.print("program sources changed: rebuild with `gtx build` (clients are regenerated too)")
    if problems or (check and mismatches):
        raise typer.Exit(1)
