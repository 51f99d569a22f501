"""gridtokenx_cli.toolchain.idl: build-output parsing (port of anchor-lang-idl build.rs) and the
new-format -> legacy (AnchorPy 0.21) IDL conversion.

Everything here is pure Python except the tests over `idl/*.json`, which check the IDLs generated
from the real programs (whatever exists when the tests run) against AnchorPy's own coders.
"""
from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import pytest
from anchorpy import Idl
from anchorpy.coder.accounts import AccountsCoder
from anchorpy.coder.event import EventCoder
from anchorpy.coder.instruction import InstructionCoder
from anchorpy.coder.types import TypesCoder
from solders.pubkey import Pubkey

from gridtokenx_cli.toolchain import idl as m

REPO = Path(__file__).resolve().parents[2]
ADDRESS = "9SW3RMdVxMNMakVCtVvyzQrCXzjntmf1qwfb2yN1rzpU"


def disc(ns: str, name: str) -> list[int]:
    return list(hashlib.sha256(f"{ns}:{name}".encode()).digest()[:8])


def new_idl(**parts) -> dict:
    idl = {
        "address": ADDRESS,
        "metadata": {"name": "demo", "version": "0.3.1", "spec": "0.1.0"},
        "instructions": [],
    }
    idl.update(parts)
    return idl


def ix(name: str, args=(), accounts=(), **extra) -> dict:
    return {"name": name, "discriminator": disc("global", name), "accounts": list(accounts),
            "args": list(args), **extra}


def struct_td(name: str, fields, **extra) -> dict:
    ty = {"kind": "struct"}
    if fields is not None:
        ty["fields"] = fields
    return {"name": name, **extra, "type": ty}


def f(name: str, ty, **extra) -> dict:
    return {"name": name, **extra, "type": ty}


def parse(legacy: dict) -> Idl:
    return Idl.from_json(json.dumps(legacy))


# ------------------------------------------------------------------------------------------------
# type references
# ------------------------------------------------------------------------------------------------

PRIMS = ["bool", "u8", "i8", "u16", "i16", "u32", "i32", "f32", "u64", "i64", "f64", "u128",
         "i128", "u256", "i256", "bytes", "string"]


@pytest.mark.parametrize("prim", PRIMS)
def test_primitive_types_unchanged(prim):
    legacy = m.to_legacy(new_idl(instructions=[ix("go", [f("x", prim)])]))
    assert legacy["instructions"][0]["args"] == [{"name": "x", "type": prim}]


def test_compound_type_references():
    args = [
        f("key", "pubkey"),
        f("maybe", {"option": "u64"}),
        f("list", {"vec": {"option": "pubkey"}}),
        f("arr", {"array": ["u8", 32]}),
        f("grid", {"array": [{"array": ["i16", 3]}, 4]}),
        f("thing", {"defined": {"name": "Thing"}}),
        f("things", {"vec": {"defined": {"name": "Thing", "generics": []}}}),
    ]
    idl = new_idl(instructions=[ix("go", args)],
                  types=[struct_td("Thing", [f("a", "u8")])])
    got = [a["type"] for a in m.to_legacy(idl)["instructions"][0]["args"]]
    assert got == [
        "publicKey",
        {"option": "u64"},
        {"vec": {"option": "publicKey"}},
        {"array": ["u8", 32]},
        {"array": [{"array": ["i16", 3]}, 4]},
        {"defined": "Thing"},
        {"vec": {"defined": "Thing"}},
    ]


def test_unknown_type_is_rejected():
    with pytest.raises(m.IdlConversionError, match="coption"):
        m.to_legacy(new_idl(instructions=[ix("go", [f("x", {"coption": "u8"})])]))


# ------------------------------------------------------------------------------------------------
# type definitions
# ------------------------------------------------------------------------------------------------

def test_structs_named_empty_tuple_and_alias():
    types = [
        struct_td("Named", [f("first_value", "u8", docs=["doc"]), f("second", "string")],
                  docs=["a struct"]),
        struct_td("Unit", None),
        struct_td("Newtype", ["u64", "pubkey"]),
        {"name": "Alias", "type": {"kind": "type", "alias": {"vec": "u8"}}},
    ]
    idl = new_idl(instructions=[ix("go", [f(t["name"].lower(), {"defined": {"name": t["name"]}})
                                          for t in types])], types=types)
    legacy = m.to_legacy(idl)
    by_name = {t["name"]: t for t in legacy["types"]}
    assert by_name["Named"] == {
        "name": "Named", "docs": ["a struct"],
        "type": {"kind": "struct", "fields": [
            {"name": "firstValue", "docs": ["doc"], "type": "u8"},
            {"name": "second", "type": "string"}]}}
    assert by_name["Unit"] == {"name": "Unit", "type": {"kind": "struct", "fields": []}}
    assert by_name["Newtype"]["type"]["fields"] == [{"name": "field0", "type": "u64"},
                                                    {"name": "field1", "type": "publicKey"}]
    assert by_name["Alias"] == {"name": "Alias", "type": {"kind": "alias", "value": {"vec": "u8"}}}
    parse(legacy)


def test_enum_variants_unit_tuple_named():
    enum = {"name": "Shape", "type": {"kind": "enum", "variants": [
        {"name": "Empty"},
        {"name": "Hollow", "fields": []},
        {"name": "Circle", "fields": ["u32"]},
        {"name": "Rect", "fields": [f("width_mm", "u16"), f("height_mm", {"option": "u16"})]},
    ]}}
    legacy = m.to_legacy(new_idl(instructions=[ix("go", [f("s", {"defined": {"name": "Shape"}})])],
                                 types=[enum]))
    assert legacy["types"] == [{"name": "Shape", "type": {"kind": "enum", "variants": [
        {"name": "Empty"},
        {"name": "Hollow"},  # empty field list dropped: same borsh bytes, AnchorPy needs >= 1
        {"name": "Circle", "fields": ["u32"]},
        {"name": "Rect", "fields": [{"name": "widthMm", "type": "u16"},
                                    {"name": "heightMm", "type": {"option": "u16"}}]},
    ]}}]
    # AnchorPy encodes every variant shape with the Rust borsh layout
    coder = InstructionCoder(parse(legacy))
    shape = TypesCoder(parse(legacy))._get_layout("Shape")
    assert shape.build(shape.enum.Empty()) == b"\x00"
    assert shape.build(shape.enum.Hollow()) == b"\x01"
    assert shape.build(shape.enum.Circle((7,))) == b"\x02" + struct.pack("<I", 7)
    assert shape.build(shape.enum.Rect(width_mm=3, height_mm=None)) == b"\x03\x03\x00\x00"
    data = coder.encode("go", {"s": shape.enum.Circle((1,))})
    assert data == bytes(disc("global", "go")) + b"\x02\x01\x00\x00\x00"


def test_generic_types_are_monomorphized_for_anchorpy():
    pair = {"name": "Pair",
            "generics": [{"kind": "type", "name": "T"},
                         {"kind": "const", "name": "N", "type": "usize"}],
            "type": {"kind": "struct", "fields": [
                f("items", {"array": [{"generic": "T"}, {"generic": "N"}]}),
                f("extra", {"option": {"generic": "T"}})]}}
    arg = f("p", {"defined": {"name": "Pair", "generics": [
        {"kind": "type", "type": "u16"}, {"kind": "const", "value": "2"}]}})
    legacy = m.to_legacy(new_idl(instructions=[ix("go", [arg])], types=[pair]))
    by_name = {t["name"]: t for t in legacy["types"]}
    assert legacy["instructions"][0]["args"][0]["type"] == {"defined": "Pair<u16, 2>"}
    assert by_name["Pair<u16, 2>"]["type"]["fields"] == [
        {"name": "items", "type": {"array": ["u16", 2]}},
        {"name": "extra", "type": {"option": "u16"}}]
    # the generic definition itself is kept (AnchorPy ignores types with generics)
    assert by_name["Pair"]["generics"] == ["T", "N"]
    assert by_name["Pair"]["type"]["fields"][0]["type"] == {"genericLenArray": [{"generic": "T"}, "N"]}
    p = parse(legacy)
    data = InstructionCoder(p).encode("go", {"p": {"items": [1, 2], "extra": 3}})
    assert data == bytes(disc("global", "go")) + struct.pack("<HHBH", 1, 2, 1, 3)


def test_custom_serialization_rejected_bytemuck_accepted():
    ok = struct_td("Pod", [f("a", "u64")], serialization="bytemuck", repr={"kind": "c"})
    legacy = m.to_legacy(new_idl(accounts=[{"name": "Pod", "discriminator": disc("account", "Pod")}],
                                 types=[ok]))
    assert legacy["accounts"] == [{"name": "Pod", "type": {"kind": "struct",
                                                           "fields": [{"name": "a", "type": "u64"}]}}]
    bad = struct_td("Weird", [f("a", "u64")], serialization={"custom": "mine"})
    with pytest.raises(m.IdlConversionError, match="serialization"):
        m.to_legacy(new_idl(instructions=[ix("go", [f("w", {"defined": {"name": "Weird"}})])],
                            types=[bad]))


# ------------------------------------------------------------------------------------------------
# instructions
# ------------------------------------------------------------------------------------------------

def test_instruction_accounts_nested_and_flags():
    accounts = [
        {"name": "payer", "writable": True, "signer": True, "docs": ["pays"]},
        {"name": "config_account", "relations": ["payer_key"]},
        {"name": "maybe_oracle", "optional": True},
        {"name": "token_accounts", "accounts": [
            {"name": "mint", "writable": True,
             "pda": {"seeds": [{"kind": "const", "value": [1, 2]},
                               {"kind": "arg", "path": "amount"}]}},
            {"name": "inner_group", "accounts": [{"name": "owner", "signer": True}]},
        ]},
        {"name": "system_program", "address": "11111111111111111111111111111111"},
    ]
    the_ix = ix("init_market", [f("amount", "u64"), f("fee_bps", "u16", docs=["bps"])], accounts,
                docs=["Initialize."], returns="u64")
    legacy = m.to_legacy(new_idl(instructions=[the_ix]))
    assert legacy["instructions"] == [{
        "name": "initMarket",
        "docs": ["Initialize."],
        "accounts": [
            {"name": "payer", "isMut": True, "isSigner": True, "docs": ["pays"]},
            {"name": "configAccount", "isMut": False, "isSigner": False,
             "relations": ["payerKey"]},
            {"name": "maybeOracle", "isMut": False, "isSigner": False, "isOptional": True},
            {"name": "tokenAccounts", "accounts": [
                {"name": "mint", "isMut": True, "isSigner": False},
                {"name": "innerGroup", "accounts": [
                    {"name": "owner", "isMut": False, "isSigner": True}]}]},
            {"name": "systemProgram", "isMut": False, "isSigner": False},
        ],
        "args": [{"name": "amount", "type": "u64"},
                 {"name": "feeBps", "docs": ["bps"], "type": "u16"}],
        "returns": "u64",
    }]
    p = parse(legacy)
    acc = p.instructions[0].accounts
    assert [type(a).__name__ for a in acc] == ["IdlAccount"] * 3 + ["IdlAccounts", "IdlAccount"]
    assert acc[2].is_optional is True
    data = InstructionCoder(p).encode("init_market", {"amount": 5, "fee_bps": 30})
    assert data == bytes(disc("global", "init_market")) + struct.pack("<QH", 5, 30)


def test_instruction_name_that_does_not_roundtrip_camelcase_is_kept_snake():
    # pyheck: lower_camel("cpu_heavy_2") == "cpuHeavy2", snake("cpuHeavy2") == "cpu_heavy2" (!)
    legacy = m.to_legacy(new_idl(instructions=[ix("cpu_heavy_2", [f("value_2", "u8")]),
                                               ix("io_heavy_v2")]))
    names = [i["name"] for i in legacy["instructions"]]
    assert names == ["cpu_heavy_2", "ioHeavyV2"]
    assert legacy["instructions"][0]["args"][0]["name"] == "value_2"
    sighashes = InstructionCoder(parse(legacy)).sighashes
    assert sighashes == {"cpu_heavy_2": bytes(disc("global", "cpu_heavy_2")),
                         "io_heavy_v2": bytes(disc("global", "io_heavy_v2"))}


def test_custom_instruction_discriminator_is_an_error():
    custom = ix("do_it")
    custom["discriminator"] = [1]
    with pytest.raises(m.IdlConversionError, match="do_it.*custom instruction discriminators"):
        m.to_legacy(new_idl(instructions=[custom]))


def test_colliding_names_after_anchorpy_snake_case_are_an_error():
    with pytest.raises(m.IdlConversionError, match="both become"):
        m.to_legacy(new_idl(instructions=[ix("go", [f("_amount", "u8"), f("amount", "u8")])]))


# ------------------------------------------------------------------------------------------------
# accounts, events, errors, constants
# ------------------------------------------------------------------------------------------------

def test_accounts_events_errors_constants():
    types = [
        struct_td("Market", [f("authority", "pubkey"), f("total_volume", "u128"),
                             f("side", {"defined": {"name": "Side"}})], docs=["market"]),
        {"name": "Side", "type": {"kind": "enum", "variants": [{"name": "Buy"}, {"name": "Sell"}]}},
        struct_td("OrderPlaced", [f("order_id", "u64"), f("side", {"defined": {"name": "Side"}})]),
    ]
    idl = new_idl(
        instructions=[ix("place", [f("side", {"defined": {"name": "Side"}})])],
        accounts=[{"name": "Market", "discriminator": disc("account", "Market")}],
        events=[{"name": "OrderPlaced", "discriminator": disc("event", "OrderPlaced")}],
        errors=[{"code": 6000, "name": "TooBig", "msg": "value too big"},
                {"code": 6001, "name": "NoMessage"}],
        types=types,
        constants=[{"name": "MAX_ORDERS", "type": "u16", "value": "64"},
                   {"name": "SEED", "type": "bytes", "value": "[115, 101]"}],
    )
    legacy = m.to_legacy(idl)
    assert legacy["accounts"] == [{"name": "Market", "docs": ["market"], "type": {
        "kind": "struct", "fields": [{"name": "authority", "type": "publicKey"},
                                     {"name": "totalVolume", "type": "u128"},
                                     {"name": "side", "type": {"defined": "Side"}}]}}]
    # account and event structs are not repeated in `types` (legacy layout)
    assert [t["name"] for t in legacy["types"]] == ["Side"]
    assert legacy["events"] == [{"name": "OrderPlaced", "fields": [
        {"name": "orderId", "type": "u64", "index": False},
        {"name": "side", "type": {"defined": "Side"}, "index": False}]}]
    assert legacy["errors"] == [{"code": 6000, "name": "TooBig", "msg": "value too big"},
                                {"code": 6001, "name": "NoMessage"}]
    assert legacy["constants"] == [{"name": "MAX_ORDERS", "type": "u16", "value": "64"},
                                   {"name": "SEED", "type": "bytes", "value": "[115, 101]"}]
    assert legacy["metadata"] == {"address": ADDRESS}
    assert (legacy["name"], legacy["version"]) == ("demo", "0.3.1")

    p = parse(legacy)
    assert [(e.code, e.name, e.msg) for e in p.errors] == [(6000, "TooBig", "value too big"),
                                                          (6001, "NoMessage", None)]
    m.verify_legacy_with_anchorpy(idl, legacy)
    # AnchorPy decodes account and event bytes laid out like the Rust program writes them
    owner = Pubkey.from_string(ADDRESS)
    raw = bytes(disc("account", "Market")) + bytes(owner) + (10**20).to_bytes(16, "little") + b"\x01"
    market = AccountsCoder(p).decode(raw)
    assert (market.authority, market.total_volume, type(market.side).__name__) == \
        (owner, 10**20, "Sell")
    ev = EventCoder(p).parse(bytes(disc("event", "OrderPlaced")) + struct.pack("<Q", 9) + b"\x00")
    assert ev.name == "OrderPlaced" and ev.data.order_id == 9


def test_account_and_event_discriminator_mismatches_are_errors():
    td = struct_td("Vault", [f("x", "u8")])
    with pytest.raises(m.IdlConversionError, match="account `Vault`"):
        m.to_legacy(new_idl(accounts=[{"name": "Vault", "discriminator": [7]}], types=[td]))
    with pytest.raises(m.IdlConversionError, match="event `Vault`"):
        m.to_legacy(new_idl(events=[{"name": "Vault", "discriminator": [1, 2, 3, 4, 5, 6, 7, 8]}],
                            types=[td]))


def test_account_struct_nested_in_another_account_is_also_a_type():
    types = [struct_td("Inner", [f("v", "u32")]),
             struct_td("Outer", [f("inner", {"defined": {"name": "Inner"}})])]
    accounts = [{"name": n, "discriminator": disc("account", n)} for n in ("Inner", "Outer")]
    legacy = m.to_legacy(new_idl(accounts=accounts, types=types))
    assert [a["name"] for a in legacy["accounts"]] == ["Inner", "Outer"]
    assert [t["name"] for t in legacy["types"]] == ["Inner"]
    p = parse(legacy)
    raw = bytes(disc("account", "Outer")) + struct.pack("<I", 42)
    assert AccountsCoder(p).decode(raw).inner.v == 42
    # ... unless an instruction arg also reaches it: AnchorPy would find it twice
    with pytest.raises(m.IdlConversionError, match="Inner"):
        m.to_legacy(new_idl(instructions=[ix("go", [f("i", {"defined": {"name": "Inner"}})])],
                            accounts=accounts, types=types))


def test_rejects_legacy_or_unknown_spec():
    with pytest.raises(m.IdlConversionError, match="spec"):
        m.to_legacy({"version": "0.1.0", "name": "x", "instructions": []})


# ------------------------------------------------------------------------------------------------
# build.rs port: stdout parsing, module paths, sort, verify, canonical key order
# ------------------------------------------------------------------------------------------------

PROGRAM_SECTION = {
    "address": "",
    "metadata": {"name": "demo", "version": "0.1.0", "spec": "0.1.0", "description": None},
    "instructions": [
        {"name": "zeta", "discriminator": disc("global", "zeta"), "accounts": [], "args": [
            {"name": "a", "type": {"defined": {"name": "demo::state::Thing"}}}]},
        {"name": "alpha", "discriminator": disc("global", "alpha"), "accounts": [], "args": [],
         "docs": []},
    ],
    "accounts": [],
    "events": [],
    "errors": [],
    "types": [{"name": "demo::state::Thing", "type": {"kind": "struct", "fields": [
        {"name": "x", "type": "u8"}]}}],
    "constants": [],
}


def fake_stdout() -> str:
    event = {"event": {"discriminator": disc("event", "Ev"), "name": "Ev"},
             "types": [{"type": {"kind": "struct", "fields": [{"type": "u8", "name": "v"}]},
                        "name": "Ev"}]}
    return "\n".join([
        "running 5 tests",
        "successes:",
        "---- __anchor_private_print_idl_address stdout ----",
        "--- IDL begin address ---",
        f'"{ADDRESS}"',
        "--- IDL end address ---",
        "--- IDL begin const ---",
        json.dumps({"name": "MAX", "type": "u8", "value": "3"}, indent=2),
        "--- IDL end const ---",
        "--- IDL begin event ---",
        json.dumps(event, indent=2),
        "--- IDL end event ---",
        "--- IDL begin errors ---",
        json.dumps([{"code": 6000, "name": "Bad", "msg": "bad"}], indent=2),
        "--- IDL end errors ---",
        "--- IDL begin program ---",
        json.dumps(PROGRAM_SECTION, indent=2),
        "--- IDL end program ---",
        "",
        "test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
        "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
    ]) + "\n"


def test_parse_build_output_like_build_rs():
    idl = m.parse_idl_build_output(fake_stdout())
    assert idl["address"] == ADDRESS
    assert idl["constants"] == [{"name": "MAX", "type": "u8", "value": "3"}]
    assert idl["errors"] == [{"code": 6000, "name": "Bad", "msg": "bad"}]
    # event fragment keys come back in struct order, event types merged into `types`
    assert list(idl["events"][0]) == ["name", "discriminator"]
    assert [t["name"] for t in idl["types"]] == ["Ev", "demo::state::Thing"]
    assert idl["types"][0] == {"name": "Ev", "type": {"kind": "struct",
                                                      "fields": [{"name": "v", "type": "u8"}]}}
    # serde skip_serializing_if: empty docs / null description / empty lists dropped
    assert "description" not in idl["metadata"] and "docs" not in idl["instructions"][1]
    assert "accounts" not in idl
    assert list(idl) == ["address", "metadata", "instructions", "events", "errors", "types",
                         "constants"]


def test_parse_build_output_without_commit_line_has_no_address():
    text = fake_stdout().replace("test result: ok. 5 passed", "test result: FAILED. 5 passed")
    idl = m.parse_idl_build_output(text)
    assert idl["address"] == "" and "errors" not in idl


def test_parse_build_output_without_program_section():
    with pytest.raises(m.IdlBuildError, match="IDL doesn't exist"):
        m.parse_idl_build_output("test result: ok. 1 passed; 0 failed\n")


def test_module_paths_sort_and_verify():
    idl = m.sort_idl(m.convert_module_paths(m.parse_idl_build_output(fake_stdout())))
    assert [i["name"] for i in idl["instructions"]] == ["alpha", "zeta"]
    assert idl["instructions"][1]["args"][0]["type"] == {"defined": {"name": "Thing"}}
    assert [t["name"] for t in idl["types"]] == ["Ev", "Thing"]
    m.verify_idl(idl)
    # conflicting short names keep their full paths
    both = {"types": [{"name": "a::X"}, {"name": "b::X"}, {"name": "c::Y"}]}
    assert [t["name"] for t in m.convert_module_paths(both)["types"]] == ["a::X", "b::X", "Y"]


@pytest.mark.parametrize("bad, msg", [
    ({"accounts": [{"name": "a::B", "discriminator": [1]}]}, "Conflicting accounts names"),
    ({"instructions": [{"name": "x", "discriminator": []}]}, "Empty discriminators"),
    ({"events": [{"name": "x", "discriminator": [1, 2]}, {"name": "y", "discriminator": [1]}]},
     "Ambiguous discriminators"),
    ({"accounts": [{"name": "A", "discriminator": [0, 0]}]}, "All zero"),
    ({"accounts": [{"name": "A", "discriminator": [0, 5]}, {"name": "B", "discriminator": [9]}]},
     "substitution"),
])
def test_verify_rejects(bad, msg):
    with pytest.raises(m.IdlBuildError, match=msg):
        m.verify_idl({"metadata": {"name": "demo"}, **bad})


def test_idl_build_command_env(tmp_path):
    argv, env, over = m.idl_build_command(tmp_path, base_env={"PATH": "/nowhere"})
    assert argv[1:] == ["test", "-Zfeature-unification", "__anchor_private_print_idl", "--features", "idl-build",
                        "--", "--show-output", "--quiet"]
    # one dependency build serves every program's IDL build (cargo reads the override, rustc does not)
    assert over["CARGO_RESOLVER_FEATURE_UNIFICATION"] == "workspace"
    assert over["__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS"] == "nightly"
    assert "RUSTC_BOOTSTRAP" not in over
    assert over["ANCHOR_IDL_BUILD_PROGRAM_PATH"] == str(tmp_path.resolve())
    assert (over["ANCHOR_IDL_BUILD_NO_DOCS"], over["ANCHOR_IDL_BUILD_RESOLUTION"],
            over["ANCHOR_IDL_BUILD_SKIP_LINT"]) == ("FALSE", "TRUE", "FALSE")
    assert over["RUSTFLAGS"].endswith("-A warnings")
    assert env["PATH"].startswith("/usr/bin:/bin:")


# ------------------------------------------------------------------------------------------------
# the IDLs generated from the real programs
# ------------------------------------------------------------------------------------------------

GENERATED = sorted((REPO / "idl").glob("*.json"))


@pytest.mark.parametrize("path", GENERATED, ids=[p.stem for p in GENERATED])
def test_generated_idl_converts_and_matches_anchorpy_discriminators(path):
    idl = json.loads(path.read_text())
    assert idl["metadata"]["spec"] == "0.1.0"
    assert idl["metadata"]["name"] and idl["metadata"]["version"]
    lib = REPO / "programs" / path.stem / "src" / "lib.rs"
    if lib.exists():
        assert f'declare_id!("{idl["address"]}")' in lib.read_text()
    # the file is exactly what the writer produces (canonical order, trailing newline)
    assert path.read_text() == m.dump_json(m.canonical_idl(idl))

    legacy = m.to_legacy(idl)
    parsed = Idl.from_json(json.dumps(legacy))
    assert parsed.metadata == {"address": idl["address"]}
    assert parsed.name == idl["metadata"]["name"]

    sighashes = InstructionCoder(parsed).sighashes
    assert len(sighashes) == len(idl["instructions"]) > 0
    for ins in idl["instructions"]:
        assert list(sighashes[ins["name"]]) == ins["discriminator"], ins["name"]
        assert ins["discriminator"] == disc("global", ins["name"])
    accs = AccountsCoder(parsed).acc_name_to_discriminator
    assert {n: list(d) for n, d in accs.items()} == \
        {a["name"]: a["discriminator"] for a in idl.get("accounts", [])}
    evs = EventCoder(parsed).discriminators
    assert {n: list(d) for d, n in evs.items()} == \
        {e["name"]: e["discriminator"] for e in idl.get("events", [])}

    legacy_file = path.parent / "legacy" / path.name
    assert legacy_file.exists(), f"{legacy_file} missing (run python -m gridtokenx_cli.toolchain.idl)"
    assert json.loads(legacy_file.read_text()) == legacy, "legacy IDL is stale"


def test_nested_generics_keep_definition_and_monomorphize_instances():
    inner = {"name": "Inner", "generics": [{"kind": "type", "name": "U"},
                                           {"kind": "const", "name": "M", "type": "usize"}],
             "type": {"kind": "struct", "fields": [f("v", {"array": [{"generic": "U"},
                                                                       {"generic": "M"}]})]}}
    outer = {"name": "Outer", "generics": [{"kind": "type", "name": "T"},
                                           {"kind": "const", "name": "N", "type": "usize"}],
             "type": {"kind": "struct", "fields": [f("inner", {"defined": {"name": "Inner", "generics": [
                 {"kind": "type", "type": {"generic": "T"}}, {"kind": "const", "value": "N"}]}})]}}
    arg = f("o", {"defined": {"name": "Outer", "generics": [{"kind": "type", "type": "u8"},
                                                            {"kind": "const", "value": "3"}]}})
    legacy = m.to_legacy(new_idl(instructions=[ix("go", [arg])], types=[inner, outer]))
    by_name = {t["name"]: t for t in legacy["types"]}
    assert set(by_name) == {"Inner", "Outer", "Outer<u8, 3>", "Inner<u8, 3>"}
    assert by_name["Outer"]["type"]["fields"][0]["type"] == {"definedWithTypeArgs": {
        "name": "Inner", "args": [{"generic": "T"}, {"generic": "N"}]}}
    assert by_name["Outer<u8, 3>"]["type"]["fields"][0]["type"] == {"defined": "Inner<u8, 3>"}
    assert by_name["Inner<u8, 3>"]["type"]["fields"][0]["type"] == {"array": ["u8", 3]}
    data = InstructionCoder(parse(legacy)).encode("go", {"o": {"inner": {"v": [1, 2, 3]}}})
    assert data == bytes(disc("global", "go")) + b"\x01\x02\x03"


def test_module_path_of_a_name_that_prefixes_another_is_shortened():
    """Regression: `a::Market` must become `Market` although `b::MarketDepth` exists (Anchor's regex is anchored
    at the closing quote)."""
    from gridtokenx_cli.toolchain.idl import convert_module_paths

    idl = {"types": [{"name": "a::Market"}, {"name": "b::MarketDepth"}]}
    assert convert_module_paths(idl) == {"types": [{"name": "Market"}, {"name": "MarketDepth"}]}
    clash = {"types": [{"name": "a::Order"}, {"name": "b::Order"}]}
    assert convert_module_paths(clash) == clash


def test_a_build_from_another_checkout_makes_the_members_rebuild(tmp_path):
    """Artifacts of workspace crates built from another checkout share this one's names; their fingerprints go,
    dependencies' stay, and only when the checkout changed."""
    fingerprints = tmp_path / "debug" / ".fingerprint"
    names = ["registry-0a1b", "gridtokenx-common-2c3d", "energy_token-4e5f", "anchor-lang-6a7b", "syn-8c9d"]
    for name in names:
        (fingerprints / name).mkdir(parents=True)
    (tmp_path / "gtx-checkout").write_text("/elsewhere/checkout")
    m.forget_other_checkouts_members(tmp_path, REPO)
    assert sorted(p.name for p in fingerprints.iterdir()) == ["anchor-lang-6a7b", "syn-8c9d"]
    assert (tmp_path / "gtx-checkout").read_text() == str(REPO.resolve())
    (fingerprints / "registry-0a1b").mkdir()
    m.forget_other_checkouts_members(tmp_path, REPO)  # same checkout again: nothing to forget
    assert (fingerprints / "registry-0a1b").is_dir()
