"""Compute units of every instruction of the five GridTokenX programs, measured in LiteSVM.

    python -m gridtokenx_cli.bench.programs_cu [--json]

A fresh platform is bootstrapped with :func:`gridtokenx_cli.platform.bootstrap_platform` (the five
``initialize_*`` rows are its transactions), then each instruction runs once in a realistic order
(participants, meters, signed readings, consensus, settlement, ERCs, orders, match, auction, pool, swap, fees,
pause, authority transfers last). Keys are fixed seeds, so PDA bump searches and signatures — hence the
figures — are the same on every run.

A row's ``cu`` is what the program's top-level invocation consumed, read from the
``Program <id> consumed N of M compute units`` log lines (so a compute-budget or Ed25519 precompile
instruction in the same transaction is not counted; CPIs the instruction makes are). The two registry
instructions only another program may call (``update_meter_reading``, ``update_claimed_erc_generation``)
are reported as the CPI's own consumption inside the caller's transaction.

``cpi_cu`` is the part of ``cu`` spent in the programs the instruction invoked (Token-2022 transfers, the
registry / energy_token CPIs), so ``cu - cpi_cu`` is the program's own work. ``reference_cu`` holds the
published figures of another implementation where they exist (None elsewhere).
"""
from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field

from solders.compute_budget import set_compute_unit_limit
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from gridtokenx_cli import platform as plat
from gridtokenx_cli.chain import TxOutcome
from gridtokenx_cli.chain.embedded import EmbeddedChain
from gridtokenx_cli.clients import energy_token as et
from gridtokenx_cli.clients import governance as gov
from gridtokenx_cli.clients import oracle as orc
from gridtokenx_cli.clients import registry as reg
from gridtokenx_cli.clients import trading as tc
from gridtokenx_cli.testing.svm_lite import program_so

#: published figures of another implementation (same instruction names), for comparison
REFERENCE_CU: dict[tuple[str, str], int] = {
    ("oracle", "submit_meter_reading"): 13_376,
    ("trading", "match_orders"): 11_752,  # per pair
    ("governance", "issue_erc"): 68_000,  # "~68,000"
}

T0 = 1_700_000_000
HOUR = 3_600
QUOTE = 10**6

_INVOKE = re.compile(r"^Program (\w+) invoke \[(\d+)\]$")
_CONSUMED = re.compile(r"^Program (\w+) consumed (\d+) of \d+ compute units$")
_END = re.compile(r"^Program (\w+) (?:success|failed)")


def invocation_cu(logs: list[str], program_id: Pubkey, depth: int = 1, *, nested: bool = False) -> int:
    """Compute units the invocations of ``program_id`` at ``depth`` (1 = top level) consumed, summed; with
    ``nested``, what the programs they invoked directly consumed instead (builtins such as the System program
    log no consumption and count as 0)."""
    target, stack, total = str(program_id), [], 0
    for line in logs:
        if m := _INVOKE.match(line):
            stack.append(m.group(1))
        elif m := _CONSUMED.match(line):
            if nested:
                if len(stack) == depth + 1 and stack[depth - 1] == target and stack[-1] == m.group(1):
                    total += int(m.group(2))
            elif stack and stack[-1] == m.group(1) == target and len(stack) == depth:
                total += int(m.group(2))
        elif (m := _END.match(line)) and stack and stack[-1] == m.group(1):
            stack.pop()
    return total


def seeded(name: str) -> Keypair:
    return Keypair.from_seed(hashlib.sha256(f"gridtokenx/bench/{name}".encode()).digest())


@dataclass
class _Bench:
    p: plat.Platform
    chain: EmbeddedChain
    rows: list[dict] = field(default_factory=list)

    def row(self, program: str, instruction: str, outcome: TxOutcome, *, depth: int = 1, note: str = "") -> TxOutcome:
        pid = self.p.program_ids[program]
        cu = invocation_cu(outcome.logs, pid, depth) or (outcome.compute_units if depth == 1 else 0)
        r = {"program": program, "instruction": instruction, "cu": cu, "ok": outcome.ok,
             "cpi_cu": invocation_cu(outcome.logs, pid, depth, nested=True),
             "reference_cu": REFERENCE_CU.get((program, instruction)), "note": note}
        if not outcome.ok:
            r["error"] = str(outcome.error or outcome.raw_error)
        self.rows.append(r)
        return outcome

    def run(self, program: str, instruction: str, ixs: Instruction | list[Instruction], payer: Keypair | None = None,
            signers: tuple[Keypair, ...] = (), note: str = "") -> TxOutcome:
        return self.row(program, instruction, self.p.send(ixs, payer, signers, check=False), note=note)

    def at(self, t: int) -> int:
        self.chain.set_unix_timestamp(t)
        return t


def _authority_transfers(b: _Bench) -> None:
    """propose -> cancel -> propose -> accept for each program (last: the admin changes)."""
    p, boot = b.p, b.p.bootstrap
    specs = [
        ("governance", plat.ix_governance_propose_authority_transfer, plat.ix_governance_cancel_authority_transfer,
         plat.ix_governance_accept_authority_transfer),
        ("energy_token", et.ix_propose_authority_transfer, et.ix_cancel_authority_transfer,
         et.ix_accept_authority_transfer),
        ("registry", reg.ix_propose_authority_transfer, reg.ix_cancel_authority_transfer,
         reg.ix_accept_authority_transfer),
        ("oracle", orc.ix_propose_authority_transfer, orc.ix_cancel_authority_transfer,
         orc.ix_accept_authority_transfer),
        ("trading", p.trading.ix_propose, p.trading.ix_cancel_transfer, p.trading.ix_accept),
    ]
    for program, propose, cancel, accept in specs:
        new_admin = seeded(f"{program}-admin")
        p.fund(new_admin.pubkey(), plat.ROLE_LAMPORTS)
        b.run(program, "propose_authority_transfer", propose(boot.pubkey(), new_admin.pubkey()))
        b.run(program, "cancel_authority_transfer", cancel(boot.pubkey()))
        p.send(propose(boot.pubkey(), new_admin.pubkey()))
        b.run(program, "accept_authority_transfer", accept(new_admin.pubkey()), new_admin)


def measure() -> list[dict]:
    """Run each instruction of the five programs once: ``[{program, instruction, cu, ok, cpi_cu, reference_cu,
    note}]`` (plus ``error`` on a failure), grouped by program in dependency order, run order within one."""
    for name in plat.PROGRAMS:
        program_so(name)
    chain = EmbeddedChain(programs=list(plat.PROGRAMS))
    chain.set_unix_timestamp(T0)
    p = plat.bootstrap_platform(chain)
    b = _Bench(p, chain)
    init_names = {"governance.initialize_governance", "energy_token.initialize_token",
                  "registry.initialize_registry", "oracle.initialize_oracle", "trading.initialize_market"}
    for step in p.steps:
        if step.name in init_names:
            program, instruction = step.name.split(".")
            b.row(program, instruction, step.outcome)
    boot, gw, rec = p.bootstrap, p.api_gateway, p.rec_authority

    # --- registry: users and meters; oracle: per-meter state ---
    pk, ck = seeded("prosumer"), seeded("consumer")
    for kp in (pk, ck):
        p.fund(kp.pubkey(), plat.ROLE_LAMPORTS)
    b.run("registry", "register_user", reg.ix_register_user(pk.pubkey(), "Prosumer"), pk)
    p.send(reg.ix_register_user(ck.pubkey(), "Consumer"), ck)
    prosumer = p.register_participant("Prosumer", pk)
    consumer = p.register_participant("Consumer", ck, quote=1_000 * QUOTE)
    solar_key = seeded("meter-solar")
    solar_id = reg.meter_id("SOLAR-001")
    b.run("registry", "register_meter", reg.register_meter_ixs(pk.pubkey(), solar_id, "Solar", solar_key, 10_000), pk,
          note="meter key signs (Ed25519 precompile)")
    b.run("oracle", "initialize_meter_state", orc.ix_initialize_meter_state(gw.pubkey(), solar_id), gw)
    solar = p.register_meter(prosumer, "SOLAR-001", "Solar", solar_key, capacity_w=10_000)

    # --- oracle: config (3 backup oracles, threshold 3: the only safe one for n = 3), a signed reading, a
    # consensus reading, clearing ---
    backups = [seeded(f"backup-oracle-{i}") for i in range(3)]
    params = orc.params(gw.pubkey(), backup_oracles=[o.pubkey() for o in backups], consensus_threshold=3)
    b.run("oracle", "update_oracle_config", orc.ix_update_oracle_config(boot.pubkey(), params))
    t = b.at(T0 + HOUR)
    out = b.run("oracle", "submit_meter_reading",
                orc.signed_reading_instructions(solar_key, gw.pubkey(), solar_id, 5_000, 1_000, t), gw,
                note="Ed25519 ix not counted")
    b.row("registry", "update_meter_reading", out, depth=2, note="CPI from oracle")
    t = b.at(T0 + 2 * HOUR)
    b.run("oracle", "submit_meter_reading_consensus",
          orc.ix_submit_meter_reading_consensus(solar_id, t, [(backups[0].pubkey(), 6_000, 1_200),
                                                              (backups[1].pubkey(), 6_100, 1_100),
                                                              (backups[2].pubkey(), 6_000, 1_200)]),
          gw, tuple(backups), note="3 of 3 oracles")
    b.run("oracle", "trigger_market_clearing", orc.ix_trigger_market_clearing(gw.pubkey()), gw)

    # --- registry settlement -> energy_token mint (CPI); energy_token direct calls ---
    b.run("registry", "settle_and_mint_tokens", reg.ix_settle_and_mint_tokens(pk.pubkey(), solar.address,
                                                                              destination=prosumer.grx), pk,
          note="CPI: energy_token")
    boot_grx = p.create_grx_account(boot.pubkey())
    b.run("energy_token", "mint_tokens_direct", et.ix_mint_tokens_direct(boot.pubkey(), boot_grx, tc.grx_for(200_000)),
          note="admin signs")
    b.run("energy_token", "transfer_tokens",
          et.ix_transfer_tokens(pk.pubkey(), prosumer.grx, consumer.grx, tc.grx_for(100)), pk)
    b.run("energy_token", "burn_tokens", et.ix_burn_tokens(ck.pubkey(), consumer.grx, tc.grx_for(50)), ck)

    # --- governance: ERCs ---
    cert_id = gov.certificate_id("ERC-BENCH-1")
    out = b.run("governance", "issue_erc", plat.ix_issue_erc(rec.pubkey(), cert_id, 8_000, solar.address), rec,
                note="CPI: registry")
    b.row("registry", "update_claimed_erc_generation", out, depth=2, note="CPI from governance")
    cert = gov.erc_certificate_pda(cert_id)[0]
    b.run("governance", "validate_erc_for_trading", plat.ix_validate_erc(rec.pubkey(), cert), rec)
    cert2, _ = p.issue_erc("ERC-BENCH-2", solar, 1_000)
    p.validate_erc(cert2)  # only a Validated certificate can be transferred
    b.run("governance", "transfer_erc", plat.ix_transfer_erc(pk.pubkey(), cert2, ck.pubkey()), pk)
    b.run("governance", "revoke_erc", plat.ix_revoke_erc(rec.pubkey(), cert2), rec)

    # --- trading: seats, balances, the book (capacity scenarios: bench/book_cu.py) ---
    tr = p.trading
    pslot, cslot = 0, 1
    b.run("trading", "claim_seat", tr.ix_claim_seat(pk.pubkey(), pslot), pk)
    p.send(tr.ix_claim_seat(ck.pubkey(), cslot), ck)
    b.run("trading", "deposit", tr.ix_deposit(pk.pubkey(), pslot, tc.ASSET_GRX, tc.grx_for(4_000), prosumer.grx), pk,
          note="GRX")
    p.send(tr.ix_deposit(ck.pubkey(), cslot, tc.ASSET_QUOTE, 100 * QUOTE, consumer.quote), ck)
    b.run("trading", "place_sell_order", tr.ix_place_sell(pk.pubkey(), pslot, 140_000, 2_000, cert), pk,
          note="rests")
    b.run("trading", "place_buy_order", tr.ix_place_buy(ck.pubkey(), cslot, 160_000, 1_000, certs=[cert]), ck,
          note="fills 1 ask")
    p.send(tr.ix_place_buy(ck.pubkey(), cslot, 160_000, 500, match_limit=0), ck)
    b.run("trading", "match_orders", tr.ix_match(boot.pubkey(), 1, [cert]), note="1 pair")
    book = p.fetch_book()
    b.run("trading", "cancel_order", tr.ix_cancel(pk.pubkey(), pslot, book.asks[0].order_id, cert), pk, note="ask")
    b.run("trading", "withdraw", tr.ix_withdraw(pk.pubkey(), pslot, tc.ASSET_QUOTE, 1, prosumer.quote), pk,
          note="quote")
    b.run("trading", "set_market_mode", tr.ix_set_mode(boot.pubkey(), tc.MODE_AUCTION), note="to auction")
    p.send(tr.ix_place_sell(pk.pubkey(), pslot, 140_000, 1_000, cert), pk)
    p.send(tr.ix_place_buy(ck.pubkey(), cslot, 150_000, 1_000), ck)
    b.run("trading", "emit_market_depth", tr.ix_depth(), note="2 orders")
    b.run("trading", "execute_batch_auction",
          [set_compute_unit_limit(1_400_000), tr.ix_auction(boot.pubkey(), tc.certs_for_auction(p.fetch_book()))],
          note="2 orders, 1 fill")
    p.send(tr.ix_set_mode(boot.pubkey(), tc.MODE_CONTINUOUS))

    # --- trading: AMM pool, swap, fees ---
    admin_quote = p.create_quote_account(boot.pubkey())
    p.mint_quote(admin_quote, 1_000 * QUOTE)
    b.run("trading", "initialize_pool",
          tr.ix_initialize_pool(boot.pubkey(), boot_grx, admin_quote, tc.CURVE_LINEAR_SOLAR, tc.grx_for(100_000),
                                500 * QUOTE), note="LinearSolar")
    b.run("trading", "swap", tr.ix_swap(ck.pubkey(), consumer.grx, consumer.quote, tc.CURVE_LINEAR_SOLAR, tc.BUY_GRX,
                                        QUOTE, 1), ck, note="LinearSolar, buy")
    b.run("trading", "withdraw_fees", tr.ix_withdraw_fees(boot.pubkey(), admin_quote, 1))

    # --- registry meter status, governance controls ---
    b.run("registry", "deactivate_meter", reg.ix_deactivate_meter(pk.pubkey(), solar.address), pk)
    b.run("registry", "reactivate_meter", reg.ix_reactivate_meter(pk.pubkey(), solar.address), pk)
    t = b.at(T0 + 3 * HOUR)  # resume_at must be after the meter's last reading (T0 + 2 h) and not in the future
    b.run("registry", "resume_meter", reg.ix_resume_meter(boot.pubkey(), solar.address, t), note="admin signs")
    # --- registry meter trust: approval, re-key (new key signs), transfer (both owners sign), retirement ---
    b.run("registry", "set_registry_options", reg.ix_set_registry_options(boot.pubkey(), True), note="admin signs")
    wind_id = reg.meter_id("WIND-BENCH")
    wind = reg.meter_pda(wind_id)[0]
    p.send(reg.register_meter_ixs(pk.pubkey(), wind_id, "Wind", seeded("meter-wind"), 20_000), pk)
    b.run("registry", "approve_meter", reg.ix_approve_meter(boot.pubkey(), wind), note="admin signs")
    b.run("registry", "rekey_meter",
          reg.rekey_meter_ixs(pk.pubkey(), wind_id, seeded("meter-wind").pubkey(), seeded("meter-wind-2")), pk,
          note="new key signs (Ed25519 precompile)")
    b.run("registry", "transfer_meter", reg.ix_transfer_meter(pk.pubkey(), ck.pubkey(), wind), pk, (ck,),
          note="both owners sign")
    b.run("registry", "retire_meter", reg.ix_retire_meter(boot.pubkey(), wind), note="admin signs")
    new_rec = seeded("rec-authority-2")
    b.run("governance", "set_rec_authority", plat.ix_set_rec_authority(boot.pubkey(), new_rec.pubkey()))
    b.run("governance", "emergency_pause", plat.ix_emergency_pause(boot.pubkey()))
    grx_accounts = p.grx_accounts()
    b.run("governance", "sync_grx_freeze",
          [set_compute_unit_limit(plat.SYNC_CU_LIMIT), gov.ix_sync_grx_freeze(grx_accounts)],
          note=f"{len(grx_accounts)} GRX accounts frozen")
    b.run("governance", "emergency_unpause", plat.ix_emergency_unpause(boot.pubkey()))
    p.sync_grx_freeze()  # thaw

    _authority_transfers(b)
    chain.close()
    order = {name: i for i, name in enumerate(plat.PROGRAMS)}
    return sorted(b.rows, key=lambda r: order[r["program"]])  # stable: run order within a program


def format_table(rows: list[dict]) -> str:
    lines = [f"{'program':<13} {'instruction':<32} {'CU':>8} {'in CPIs':>8} {'reference':>10}  status", "-" * 90]
    for r in rows:
        ref = f"{r['reference_cu']:,}" if r["reference_cu"] else ""
        status = "ok" if r["ok"] else f"FAILED {r.get('error', '')}"
        note = f"  ({r['note']})" if r["note"] else ""
        lines.append(f"{r['program']:<13} {r['instruction']:<32} {r['cu']:>8,} {r['cpi_cu']:>8,} {ref:>10}  "
                     f"{status}{note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from gridtokenx_cli.bench import run_main

    return run_main(__doc__.splitlines()[0], measure, format_table, argv)


if __name__ == "__main__":
    sys.exit(main())
