"""Bulk operator work: the rows of a CSV file landed through the pipeline (chain/pipeline.py), each row's result
appended to a result file as it arrives, so a rerun resumes — rows whose result is final are skipped, and rows a
crash left without a result are recognised on chain (a registered meter, a reading at or before the meter's last
timestamp) instead of being sent twice.

Input is checked whole before anything is sent: every bad cell is reported as ``row N, column C: problem (fix)``.
Readings of one meter are chained in file order (the oracle requires increasing timestamps); everything else is
in flight at once.
"""
from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from solders.hash import Hash
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from .chain.base import Chain, ChainError, TxOutcome
from .chain.pipeline import Job, PipelineBase

RESULT_COLUMNS = ("row", "id", "status", "signature", "error")
#: result statuses a rerun never sends again: the row's effect is on chain (a rejected reading is recorded there)
FINAL_STATUSES = ("ok", "registered", "on-chain", "accepted", "rejected")

METER_TYPES = ("solar", "wind", "battery", "grid")


class BulkInputError(ValueError):
    """The input file has problems; `problems` lists every one (row, column, what, fix)."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        shown = "\n  ".join(problems[:20]) + (f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else "")
        super().__init__(f"{path}: {len(problems)} problem(s):\n  {shown}")


@dataclass
class BulkRow:
    row: int                 # 1-based data row number (the header is row 0)
    id: str                  # what the row is about (meter id), for the result file
    instructions: list[Instruction]
    signers: list[Keypair]
    key: Any = None          # rows sharing a key land in file order
    facts: dict[str, Any] = field(default_factory=dict)  # what the on-chain resume check compares
    already_done: str | None = None  # a status when the row's effect is already on chain


@dataclass
class BulkSummary:
    rows: int = 0
    skipped: int = 0          # final in an earlier run's result file
    already_on_chain: int = 0
    sent: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    results_file: str = ""

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.by_status.items() if status.startswith(("failed", "error")))


# ----------------------------------------------------------------------------- result file


def results_path_for(input_path: Path) -> Path:
    return input_path.with_name(input_path.stem + ".results.csv")


def read_final_rows(path: Path) -> dict[int, str]:
    """Row number -> status of the rows an earlier run finished (the last line for a row wins)."""
    if not path.exists():
        return {}
    done: dict[int, str] = {}
    with path.open(newline="") as f:
        for rec in csv.DictReader(f):
            try:
                row = int(rec["row"])
            except (KeyError, TypeError, ValueError):
                continue
            status = rec.get("status") or ""
            if status.split(":")[0] in FINAL_STATUSES:
                done[row] = status
            else:
                done.pop(row, None)
    return done


class ResultLog:
    """Appends one line per finished row and flushes it, so a crash loses at most the rows still in flight."""

    def __init__(self, path: Path):
        self.path = path
        new = not path.exists() or path.stat().st_size == 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", newline="")
        self._writer = csv.writer(self._file)
        if new:
            self._writer.writerow(RESULT_COLUMNS)
            self._file.flush()

    def write(self, row: int, ident: str, status: str, signature: str = "", error: str = "") -> None:
        self._writer.writerow([row, ident, status, signature, error])
        self._file.flush()

    def close(self) -> None:
        self._file.close()


# ----------------------------------------------------------------------------- running


def land_rows(pipeline: PipelineBase, payer: Keypair, rows: Sequence[BulkRow], results: Path,
              classify: Callable[[BulkRow, TxOutcome], tuple[str, str]],
              progress: Callable[[int, int], None] | None = None) -> BulkSummary:
    """Send every row not finished before, through `pipeline`; record each result. `classify(row, outcome)`
    turns a landed transaction into (status, error text)."""
    started = time.monotonic()
    finished = read_final_rows(results)
    summary = BulkSummary(rows=len(rows), results_file=str(results))
    log = ResultLog(results)
    done_count = 0

    def tally(status: str) -> None:
        nonlocal done_count
        done_count += 1
        head = status.split(":")[0] if status.startswith(("failed", "error")) else status
        summary.by_status[head] = summary.by_status.get(head, 0) + 1
        if progress:
            progress(done_count, len(rows))

    todo: list[BulkRow] = []
    try:
        for r in rows:
            if r.row in finished:
                summary.skipped += 1
                tally("skipped")
            elif r.already_done:
                summary.already_on_chain += 1
                log.write(r.row, r.id, r.already_done)
                tally(r.already_done)
            else:
                todo.append(r)

        def job(r: BulkRow) -> Job:
            def build(blockhash: Hash):
                return Chain.sign(r.instructions, payer, r.signers, blockhash)

            return Job(build, key=r.key, label=r)

        def record(_index: int, j: Job, result: TxOutcome | ChainError) -> None:
            r: BulkRow = j.label
            if isinstance(result, ChainError):
                status, signature, error = "error:transport", "", str(result)
            else:
                status, error = classify(r, result)
                signature = str(result.signature)
            log.write(r.row, r.id, status, signature, error)
            tally(status)

        summary.sent = len(todo)
        pipeline.run((job(r) for r in todo), on_result=record)
    finally:
        log.close()
    summary.seconds = time.monotonic() - started
    return summary


def add_compute_budget(chain: Chain, payer: Keypair, rows: list[BulkRow]) -> dict[str, int | None]:
    """The rpc chain's --priority-fee / --cu-limit on every row, settled once for the file (rows of one command
    are transactions of one shape): `RpcChain.compute_budget` of the first rows until one does not fail its
    simulation (a row that would fail is reported when it is sent). Returns {"limit": …, "price": …} (None:
    not set)."""
    from solders.compute_budget import set_compute_unit_price

    from .chain.rpc import COMPUTE_BUDGET, CU_LIMIT_TAG, CU_PRICE_TAG, RpcChain, writable_accounts

    budget: list[Instruction] = []
    if isinstance(chain, RpcChain) and rows:
        for r in rows[:3]:
            found, failed = chain.compute_budget(r.instructions, payer, r.signers)
            if failed is None:
                budget = found
                break
        else:  # no row simulates cleanly: the price alone, as for a chain without a limit setting
            fee = chain.priority_fee_for(writable_accounts(rows[0].instructions, payer.pubkey()))
            budget = [set_compute_unit_price(fee)] if fee else []
    for r in rows:
        r.instructions = [*budget, *r.instructions]
    settings = {bytes(ix.data)[0]: int.from_bytes(bytes(ix.data)[1:], "little") for ix in budget
                if ix.program_id == COMPUTE_BUDGET}
    return {"limit": settings.get(CU_LIMIT_TAG), "price": settings.get(CU_PRICE_TAG)}


def outcome_status(outcome: TxOutcome) -> tuple[str, str]:
    """(``failed:<ErrorName>``, message) for a rejected transaction; ("ok", "") otherwise."""
    if outcome.ok:
        return "ok", ""
    if outcome.error is not None:
        return f"failed:{outcome.error.name}", outcome.error.message
    return f"failed:{str(outcome.raw_error).split('(')[0].split()[0]}", str(outcome.raw_error)


# ----------------------------------------------------------------------------- CSV input


def read_csv(path: Path, required: Iterable[str], optional: Iterable[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells) of a CSV file with a header; unknown or missing columns are input errors."""
    required, optional = list(required), list(optional)
    try:
        f = path.open(newline="")
    except OSError as e:
        raise BulkInputError(path, [f"cannot read the file: {e.strerror}"]) from None
    with f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        unknown = [c for c in header if c not in required + optional]
        problems = []
        if missing:
            problems.append(f"header: missing column(s) {', '.join(missing)} (the header must name "
                            f"{', '.join(required)}{'; optional: ' + ', '.join(optional) if optional else ''})")
        if unknown:
            problems.append(f"header: unknown column(s) {', '.join(unknown)} (allowed: "
                            f"{', '.join(required + optional)})")
        if problems:
            raise BulkInputError(path, problems)
        rows = []
        for n, rec in enumerate(reader, start=1):
            cells = {k.strip(): (v or "").strip() for k, v in rec.items() if k is not None}
            if any(cells.values()):
                rows.append((n, cells))
        if not rows:
            raise BulkInputError(path, ["no data rows after the header"])
        return rows


def _text_id(value: str) -> bytes | str:
    raw = value.encode()
    if not raw:
        return "empty (give a meter id of 1 to 32 bytes)"
    if len(raw) > 32:
        return f"{value!r} is {len(raw)} bytes (give at most 32 bytes)"
    return raw.ljust(32, b"\0")


def _whole(value: str, what: str, *, minimum: int = 0) -> int | str:
    try:
        number = int(value)
    except ValueError:
        return f"{value!r} is not a whole number ({what})"
    if number < minimum:
        return f"{number} is below {minimum} ({what})"
    if number >= 1 << 63:
        return f"{number} is too large ({what})"
    return number


class _Keys:
    """Keypair files by path, each read once; a bad file is reported for every row that names it."""

    def __init__(self, base: Path):
        self.base = base
        self._cache: dict[str, Keypair | str] = {}

    def get(self, value: str) -> Keypair | str:
        if value not in self._cache:
            from .keypairs import KeypairError, read_keypair

            path = Path(value) if Path(value).is_absolute() else self.base / value
            try:
                self._cache[value] = read_keypair(path)
            except (KeypairError, OSError, ValueError) as e:
                self._cache[value] = f"{value}: {e} (give a Solana keypair JSON file)"
        return self._cache[value]


def meter_registration_rows(path: Path, owner: Pubkey) -> list[BulkRow]:
    """Rows of ``meter_id,type,capacity_w,meter_keypair`` (or ``meter_pubkey`` + ``signature`` instead of the
    keypair: the proof of possession made where the key lives, `gtx meter pop`), registered to `owner`."""
    from solders.signature import Signature

    from .clients import meter_pop
    from .clients import registry as reg

    keys = _Keys(path.parent)
    problems: list[str] = []
    rows: list[BulkRow] = []
    seen: dict[bytes, int] = {}
    for n, c in read_csv(path, ("meter_id", "capacity_w"), ("type", "meter_keypair", "meter_pubkey", "signature")):
        bad = len(problems)
        mid = _text_id(c["meter_id"])
        if isinstance(mid, str):
            problems.append(f"row {n}, column meter_id: {mid}")
        elif mid in seen:
            problems.append(f"row {n}, column meter_id: {c['meter_id']!r} is also on row {seen[mid]} "
                            "(register each meter once)")
        else:
            seen[mid] = n
        kind = (c.get("type") or "solar").lower()
        if kind not in METER_TYPES:
            problems.append(f"row {n}, column type: {kind!r} (use one of {', '.join(METER_TYPES)})")
        capacity = _whole(c["capacity_w"], "rated capacity in W", minimum=1)
        if isinstance(capacity, str):
            problems.append(f"row {n}, column capacity_w: {capacity}")
        has_keypair, has_pubkey = bool(c.get("meter_keypair")), bool(c.get("meter_pubkey"))
        meter: Keypair | Pubkey | None = None
        signature = None
        if has_keypair == has_pubkey:
            problems.append(f"row {n}, column meter_keypair: give exactly one of meter_keypair or meter_pubkey "
                            "(with signature)")
        elif has_keypair:
            kp = keys.get(c["meter_keypair"])
            if isinstance(kp, str):
                problems.append(f"row {n}, column meter_keypair: {kp}")
            else:
                meter = kp
        else:
            try:
                meter = Pubkey.from_string(c["meter_pubkey"])
            except ValueError:
                problems.append(f"row {n}, column meter_pubkey: {c['meter_pubkey']!r} is not a public key "
                                "(base58, 32 bytes)")
            if not c.get("signature"):
                problems.append(f"row {n}, column signature: meter_pubkey needs the key's proof of possession "
                                "(make it with `gtx meter pop`)")
            else:
                try:
                    sig_text = c["signature"]
                    signature = (Signature.from_bytes(bytes.fromhex(sig_text)) if len(sig_text) == 128
                                 else Signature.from_string(sig_text))
                except ValueError:
                    problems.append(f"row {n}, column signature: not a base58 or hex ed25519 signature")
        if len(problems) > bad:
            continue
        assert isinstance(mid, bytes) and isinstance(capacity, int) and meter is not None
        if signature is not None and isinstance(meter, Pubkey) and not meter_pop.verify_signature(
                meter, meter_pop.register_meter_message(owner, mid, capacity), signature):
            problems.append(f"row {n}, column signature: does not verify for {meter} over this owner ({owner}), "
                            "meter id and capacity (sign again with `gtx meter pop`)")
            continue
        ixs = reg.register_meter_ixs(owner, mid, kind.capitalize(), meter, capacity, signature=signature)
        rows.append(BulkRow(n, c["meter_id"], ixs, [], facts={"meter_id": mid, "meter_pubkey": (
            meter.pubkey() if isinstance(meter, Keypair) else meter)}))
    if problems:
        raise BulkInputError(path, problems)
    return rows


def mark_registered(chain: Chain, rows: list[BulkRow], owner: Pubkey) -> None:
    """Rows whose meter is already registered to `owner` with the row's key are done (a crashed run's work)."""
    from .clients import registry as reg
    from .generated.registry.accounts import MeterAccount

    addresses = [reg.meter_pda(r.facts["meter_id"])[0] for r in rows]
    for r, data in zip(rows, chain.accounts_data(addresses)):
        if data is None:
            continue
        meter = MeterAccount.decode(data)
        if meter.owner == owner and meter.meter_pubkey == r.facts["meter_pubkey"]:
            r.already_done = "registered"


def reading_rows(path: Path, gateway: Pubkey) -> list[BulkRow]:
    """Rows of ``meter_id,produced_wh,consumed_wh,timestamp,meter_keypair``: each reading signed by the meter's key
    and relayed by `gateway`; a meter's readings are chained in file order."""
    from .clients import oracle as orc

    keys = _Keys(path.parent)
    problems: list[str] = []
    rows: list[BulkRow] = []
    last_ts: dict[bytes, tuple[int, int]] = {}
    for n, c in read_csv(path, ("meter_id", "produced_wh", "consumed_wh", "timestamp", "meter_keypair")):
        bad = len(problems)
        mid = _text_id(c["meter_id"])
        if isinstance(mid, str):
            problems.append(f"row {n}, column meter_id: {mid}")
        values = {}
        for col, what, minimum in (("produced_wh", "Wh produced", 0), ("consumed_wh", "Wh consumed", 0),
                                   ("timestamp", "unix seconds", 1)):
            v = _whole(c[col], what, minimum=minimum)
            if isinstance(v, str):
                problems.append(f"row {n}, column {col}: {v}")
            values[col] = v
        kp = keys.get(c["meter_keypair"]) if c["meter_keypair"] else "empty (give the meter's keypair file)"
        if isinstance(kp, str):
            problems.append(f"row {n}, column meter_keypair: {kp}")
        if len(problems) > bad:
            continue
        assert isinstance(mid, bytes) and isinstance(kp, Keypair)
        ts = int(values["timestamp"])
        previous = last_ts.get(mid)
        if previous is not None and ts <= previous[1]:
            problems.append(f"row {n}, column timestamp: {ts} is not after row {previous[0]}'s {previous[1]} for "
                            f"meter {c['meter_id']!r} (list each meter's readings in time order)")
            continue
        last_ts[mid] = (n, ts)
        ixs = orc.signed_reading_instructions(kp, gateway, mid, int(values["produced_wh"]),
                                              int(values["consumed_wh"]), ts)
        rows.append(BulkRow(n, c["meter_id"], ixs, [], key=mid, facts={"timestamp": ts}))
    if problems:
        raise BulkInputError(path, problems)
    return rows


def check_reading_meters(chain: Chain, rows: list[BulkRow]) -> list[str]:
    """Meters of `rows` that cannot take readings yet (unregistered, or no oracle state), each with its fix; rows
    at or before their meter's last on-chain timestamp are marked done (a crashed run's work)."""
    from .clients import oracle as orc
    from .clients import registry as reg
    from .generated.registry.accounts import MeterAccount

    meters = list(dict.fromkeys(r.key for r in rows))
    data = chain.accounts_data([a for mid in meters for a in (reg.meter_pda(mid)[0], orc.meter_state_pda(mid)[0])])
    problems, last_at = [], {}
    for i, mid in enumerate(meters):
        meter, state = data[2 * i], data[2 * i + 1]
        text = mid.rstrip(b"\0").decode(errors="replace")
        if meter is None:
            problems.append(f"meter {text!r} is not registered (`gtx registry register-meter {text} …`)")
        elif state is None:
            problems.append(f"meter {text!r} has no oracle state (`gtx oracle init-meter {text}`)")
        else:
            last_at[mid] = MeterAccount.decode(meter).last_reading_at
    for r in rows:
        if r.key in last_at and r.facts["timestamp"] <= last_at[r.key]:
            r.already_done = "on-chain"
    return problems


def classify_reading(_row: BulkRow, outcome: TxOutcome) -> tuple[str, str]:
    """accepted, rejected:<reason> (recorded on chain as rejected; final) or failed:<error>."""
    from .meter.submitter import reason_name

    if not outcome.ok:
        return outcome_status(outcome)
    rejected = [e for e in outcome.events if e.name == "ReadingRejected"]
    if rejected:
        return f"rejected:{reason_name(rejected[-1].data.get('reason'))}", ""
    return "accepted", ""


def classify_registration(_row: BulkRow, outcome: TxOutcome) -> tuple[str, str]:
    status, error = outcome_status(outcome)
    return ("registered", "") if status == "ok" else (status, error)
