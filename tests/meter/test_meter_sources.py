"""Meter sources against the emulator over real pseudo-terminals (Modbus RTU, IEC 62056-21) and a real TCP socket
(Modbus TCP): exact values, every injected fault classified, retries, rollback rejection. No mocks."""
from __future__ import annotations

import struct
import time

import numpy as np
import pytest

from gridtokenx_cli.meter.emulator import (
    EmulatedMeter, parse_faults, serve_iec62056, serve_modbus_rtu, serve_modbus_tcp, start_emulator,
)
from gridtokenx_cli.meter.emulator.iec62056 import format_kwh
from gridtokenx_cli.meter.emulator.meter import ROLLBACK_WH
from gridtokenx_cli.meter.profiles import HouseholdProfile
from gridtokenx_cli.meter.sources import (
    DeviceRejected, FrameError, InvalidReading, MeterSample, SourceTimeout, SourceUnavailable,
)
from gridtokenx_cli.meter.sources.energy import FLOAT32_KWH_EXACT_LIMIT_WH, decimal_energy_to_wh
from gridtokenx_cli.meter.sources.iec62056 import Iec62056Source, bcc, parse_data_block
from gridtokenx_cli.meter.sources.modbus import ModbusLink, crc16_modbus, modbus_rtu_source, modbus_tcp_source

# every timeout/CRC/garbage case waits one client timeout; 1 s keeps good answers on time on a loaded 2-core machine
TIMEOUT = 1.0


def f32(value: float) -> float:
    """What a float32 register carries for `value`."""
    return struct.unpack(">f", struct.pack(">f", value))[0]


def assert_matches(sample: MeterSample, meter: EmulatedMeter) -> None:
    readout = meter.readout()
    assert (sample.import_wh, sample.export_wh) == (readout.import_wh, readout.export_wh)
    assert sample.voltage_v == f32(readout.voltage_v)
    assert sample.current_a == f32(readout.current_a)
    assert sample.power_w == f32(readout.power_w)
    assert sample.frequency_hz == f32(readout.frequency_hz)
    assert [(p.voltage_v, p.current_a, p.power_w) for p in sample.phases] == \
        [tuple(f32(x) for x in phase) for phase in readout.phases]


# --- conversions and profiles --------------------------------------------------------------------------------------

def test_float32_kwh_register_carries_every_wh_below_the_documented_limit():
    wh = np.arange(0, FLOAT32_KWH_EXACT_LIMIT_WH, dtype=np.int64)
    recovered = np.rint((wh / 1000.0).astype(np.float32).astype(np.float64) * 1000).astype(np.int64)
    assert int((recovered != wh).sum()) == 0
    above = np.arange(FLOAT32_KWH_EXACT_LIMIT_WH, FLOAT32_KWH_EXACT_LIMIT_WH + 10_000, dtype=np.int64)
    recovered = np.rint((above / 1000.0).astype(np.float32).astype(np.float64) * 1000).astype(np.int64)
    assert int((recovered != above).sum()) > 0   # the limit is real, not just conservative
    with pytest.raises(OverflowError):
        EmulatedMeter("sdm120", 1, import_wh=FLOAT32_KWH_EXACT_LIMIT_WH)


def test_decimal_energy_is_exact():
    assert decimal_energy_to_wh("012345.678", "kWh", "x") == 12_345_678
    assert decimal_energy_to_wh("16777.217", "kWh", "x") == 16_777_217   # beyond float32, still exact
    assert decimal_energy_to_wh("0.0005", "kWh", "x") == 1              # half a Wh rounds up
    assert decimal_energy_to_wh("42", "Wh", "x") == 42
    for bad, unit in (("NaN", "kWh"), ("-1.000", "kWh"), ("1e3", "kWh"), ("1.0", "kVArh")):
        with pytest.raises(InvalidReading):
            decimal_energy_to_wh(bad, unit, "x")
    assert format_kwh(12_345_678) == "012345.678" and format_kwh(5) == "000000.005"


def test_profile_and_clock_are_deterministic_and_step_invariant():
    one, other = EmulatedMeter("sdm120", 1, seed=7), EmulatedMeter("sdm120", 1, seed=7)
    one.advance(7 * 3600)
    for _ in range(7 * 60):
        other.advance(59.5)
        other.advance(0.5)
    assert (one.import_wh, one.export_wh, one.clock_seconds) == (other.import_wh, other.export_wh, other.clock_seconds)
    assert one.export_wh > 345_678 and one.import_wh > 1_234_567   # a morning: some load, some sun
    assert HouseholdProfile(seed=1).solar_w(12 * 60) != HouseholdProfile(seed=2).solar_w(12 * 60)
    assert HouseholdProfile(seed=1).solar_w(2 * 60) == 0


def test_crc16_modbus_reference_vector():
    # the specification's example frame, and the SDM "read voltage" request as printed in Eastron's documents
    assert crc16_modbus(bytes.fromhex("01030000000A")) == bytes.fromhex("C5CD")
    assert crc16_modbus(bytes.fromhex("010400000002")) == bytes.fromhex("71CB")


def test_fault_spec_parsing():
    assert parse_faults("crc:2, timeout:0.05,nan") == [("crc", 2), ("timeout", 0.05), ("nan", 1)]
    for bad in ("bogus:1", "crc:x", "crc:1.5", "crc:-1"):
        with pytest.raises(ValueError):
            parse_faults(bad)


# --- Modbus RTU over a real pty -------------------------------------------------------------------------------------

@pytest.fixture
def rtu_bus():
    meters = [EmulatedMeter("sdm120", 1, seed=3), EmulatedMeter("sdm630", 7, seed=3, import_wh=9_000, export_wh=10)]
    with serve_modbus_rtu(None, *meters, baudrate=9600) as emulator:
        link = ModbusLink.rtu(emulator.path, baudrate=9600, timeout=TIMEOUT)
        yield emulator, meters, link
        link.close()


def test_rtu_reads_registers_exactly_for_two_ids_on_one_bus(rtu_bus):
    emulator, (sdm120, sdm630), link = rtu_bus
    first, second = link.source("sdm120", 1, retries=0), link.source("sdm630", 7, retries=0)
    for hours in (0, 1, 5):
        sdm120.advance(hours * 3600)
        sdm630.advance(hours * 3600)
        assert_matches(first.read(), sdm120)
        assert_matches(second.read(), sdm630)
    assert len(second.read().phases) == 3 and first.read().phases == ()
    assert sdm630.import_wh > 9_000 and sdm630.export_wh > 10
    assert emulator.stats["bad_crc"] == 0 and emulator.stats["line_errors"] == 0


@pytest.mark.parametrize("fault, error", [("crc", FrameError), ("garbage", FrameError), ("timeout", SourceTimeout),
                                          ("nan", InvalidReading), ("inf", InvalidReading),
                                          ("negative", InvalidReading)])
def test_rtu_fault_is_classified(rtu_bus, fault, error):
    _, (sdm120, _), link = rtu_bus
    source = link.source("sdm120", 1, retries=1)
    before = source.read()
    sdm120.faults.inject(fault, 2 if error is not InvalidReading else 1)   # transport faults outlast the one retry
    with pytest.raises(error) as raised:
        source.read()
    assert raised.value.kind == error.kind
    if fault == "crc":
        assert "CRC mismatch" in str(raised.value)
    assert (source.guard.last_import_wh, source.guard.last_export_wh) == (before.import_wh, before.export_wh)
    after = source.read()
    assert after == MeterSample(**{**before.__dict__, "read_at": after.read_at})   # nothing moved in between


@pytest.mark.parametrize("fault", ["crc", "garbage", "timeout"])
def test_rtu_retry_recovers_from_a_transient_fault(rtu_bus, fault):
    _, (sdm120, _), link = rtu_bus
    source = link.source("sdm120", 1, retries=1)
    sdm120.faults.inject(fault, 1)
    assert_matches(source.read(), sdm120)
    assert source.transient_errors[{"timeout": "timeout"}.get(fault, "frame")] == 1
    assert sdm120.faults.applied[fault] == 1


def test_rtu_rolled_back_register_is_rejected_and_the_mark_kept(rtu_bus):
    _, (sdm120, _), link = rtu_bus
    source = link.source("sdm120", 1, retries=3)
    sdm120.advance(1800)
    good = source.read()
    sdm120.faults.inject("rollback")
    with pytest.raises(InvalidReading, match="rolled back") as raised:
        source.read()
    assert str(good.import_wh - ROLLBACK_WH) in str(raised.value)
    assert source.guard.last_import_wh == good.import_wh
    assert source.read().import_wh == good.import_wh    # the meter recovered; same total accepted again


def test_rtu_wrong_register_map_is_rejected_by_the_device(rtu_bus):
    _, _, link = rtu_bus
    with pytest.raises(DeviceRejected, match="exception code 2"):
        link.source("sdm630", 1).read()     # id 1 is an SDM120: no per-phase registers


def test_rtu_absent_id_and_wrong_baud_are_timeouts(rtu_bus):
    emulator, _, link = rtu_bus
    with pytest.raises(SourceTimeout):
        link.source("sdm120", 9, retries=0).read()
    assert emulator.stats["other_ids"] == 1
    link.close()
    wrong = modbus_rtu_source(emulator.path, "sdm120", 1, baudrate=19200, timeout=TIMEOUT, retries=0)
    with pytest.raises(SourceTimeout):
        wrong.read()
    wrong.close()
    assert emulator.stats["line_errors"] == 1


def test_rtu_missing_port_is_unavailable():
    with pytest.raises(SourceUnavailable):
        modbus_rtu_source("/dev/does-not-exist", timeout=TIMEOUT).read()


# --- Modbus TCP over a real socket ----------------------------------------------------------------------------------

@pytest.fixture
def tcp_server():
    meters = [EmulatedMeter("sdm630", 1, seed=5), EmulatedMeter("sdm120", 2, seed=5)]
    with serve_modbus_tcp("127.0.0.1", 0, *meters) as emulator:
        yield emulator, meters


def test_tcp_reads_registers_exactly(tcp_server):
    emulator, (sdm630, sdm120) = tcp_server
    first = modbus_tcp_source(emulator.host, emulator.port, "sdm630", 1, timeout=TIMEOUT, retries=0)
    second = modbus_tcp_source(emulator.host, emulator.port, "sdm120", 2, timeout=TIMEOUT, retries=0)
    for seconds in (0, 600, 4 * 3600):
        sdm630.advance(seconds)
        sdm120.advance(seconds)
        assert_matches(first.read(), sdm630)
        assert_matches(second.read(), sdm120)
    first.close()
    second.close()


@pytest.mark.parametrize("fault, error", [("crc", FrameError), ("garbage", FrameError), ("timeout", SourceTimeout),
                                          ("nan", InvalidReading), ("negative", InvalidReading),
                                          ("rollback", InvalidReading)])
def test_tcp_fault_is_classified_and_retry_recovers(tcp_server, fault, error):
    emulator, (sdm630, _) = tcp_server
    source = modbus_tcp_source(emulator.host, emulator.port, "sdm630", 1, timeout=TIMEOUT, retries=1)
    before = source.read()
    sdm630.faults.inject(fault, 2 if error is not InvalidReading else 1)
    with pytest.raises(error):
        source.read()
    assert source.guard.last_import_wh == before.import_wh
    if error is not InvalidReading:
        sdm630.faults.inject(fault, 1)
        assert_matches(source.read(), sdm630)        # one fault, one retry: recovered
    source.close()


def test_tcp_unknown_unit_and_refused_connection(tcp_server):
    emulator, _ = tcp_server
    with pytest.raises(DeviceRejected, match="exception code 11"):
        modbus_tcp_source(emulator.host, emulator.port, "sdm120", 42, timeout=TIMEOUT).read()
    port = emulator.port
    emulator.stop()
    with pytest.raises(SourceUnavailable):
        modbus_tcp_source("127.0.0.1", port, "sdm120", 1, timeout=TIMEOUT).read()


# --- IEC 62056-21 mode C over a real pty ----------------------------------------------------------------------------

@pytest.fixture
def iec_line():
    meter = EmulatedMeter("iec", 1, seed=9, import_wh=12_345_678, export_wh=678)
    with serve_iec62056(None, meter, max_baudrate=9600) as emulator:
        yield emulator, meter


def test_iec_readout_is_exact_and_switches_baud(iec_line):
    emulator, meter = iec_line
    source = Iec62056Source(emulator.path, timeout=TIMEOUT, retries=0)
    for seconds in (0, 900, 6 * 3600):
        meter.advance(seconds)
        sample, readout = source.read(), meter.readout()
        assert (sample.import_wh, sample.export_wh) == (readout.import_wh, readout.export_wh)
        assert sample.voltage_v == round(readout.voltage_v, 1)
        assert sample.frequency_hz == round(readout.frequency_hz, 2)
    assert source.identification == "GTX5EMU00000001" and source.last_baudrate == 9600
    assert emulator.stats["readouts"] == 3 and emulator.stats["line_errors"] == 0


def test_iec_addressed_meters_share_a_line():
    meters = [EmulatedMeter("iec", 1, seed=1, import_wh=1_000), EmulatedMeter("iec", 2, seed=1, import_wh=2_000)]
    with serve_iec62056(None, *meters, max_baudrate=4800) as emulator:
        for meter in meters:
            source = Iec62056Source(emulator.path, address=meter.address, timeout=TIMEOUT, retries=0)
            assert source.read().import_wh == meter.import_wh
            assert source.last_baudrate == 4800
        with pytest.raises(SourceTimeout):   # unaddressed sign-on on a shared line: nobody answers
            Iec62056Source(emulator.path, timeout=TIMEOUT, retries=0).read()


@pytest.mark.parametrize("fault, error", [("bcc", FrameError), ("garbage", FrameError), ("timeout", SourceTimeout),
                                          ("nan", InvalidReading), ("negative", InvalidReading),
                                          ("rollback", InvalidReading)])
def test_iec_fault_is_classified_and_retry_recovers(iec_line, fault, error):
    emulator, meter = iec_line
    source = Iec62056Source(emulator.path, timeout=TIMEOUT, retries=1)
    before = source.read()
    meter.faults.inject(fault, 2 if error is not InvalidReading else 1)
    with pytest.raises(error) as raised:
        source.read()
    if fault == "bcc":
        assert "BCC mismatch" in str(raised.value)
    assert source.guard.last_import_wh == before.import_wh
    if error is not InvalidReading:
        meter.faults.inject(fault, 1)
        assert source.read().import_wh == meter.import_wh
        assert source.transient_errors[error.kind] == 3


def test_iec_client_may_acknowledge_a_lower_rate(iec_line):
    emulator, meter = iec_line
    source = Iec62056Source(emulator.path, timeout=TIMEOUT, retries=0, max_baudrate=300)
    # the client acknowledges 300 baud; the meter offered up to 9600 and accepts the lower rate
    assert source.read().import_wh == meter.import_wh and source.last_baudrate == 300


def test_iec_data_block_parsing_and_bcc():
    sets = parse_data_block("0.0.0(42)\r\n1-0:1.8.0(012345.678*kWh)\r\n2.8.0*01(000001.000*kWh)\r\n")
    assert sets["1.8.0"].value == "012345.678" and sets["1.8.0"].unit == "kWh" and sets["2.8.0"].value == "000001.000"
    with pytest.raises(FrameError):
        parse_data_block("1.8.0 012345.678 kWh\r\n")
    assert bcc(b"1.8.0(1)\r\n!\r\n\x03") == (0x31 ^ 0x2E ^ 0x38 ^ 0x2E ^ 0x30 ^ 0x28 ^ 0x31 ^ 0x29 ^ 0x0D ^ 0x0A
                                              ^ 0x21 ^ 0x0D ^ 0x0A ^ 0x03)


# --- the plain-argument entry point the CLI uses --------------------------------------------------------------------

def test_start_emulator_runs_its_clock_and_applies_faults():
    with start_emulator("modbus-rtu", ["sdm120", "sdm630"], [1, 2], seed=4, faults="crc:1",
                        time_scale=3600) as running:
        link = ModbusLink.rtu(running.address, timeout=TIMEOUT)
        source = link.source("sdm120", 1, retries=1)
        first = source.read()
        assert source.transient_errors["frame"] == 1      # the counted CRC fault hit the first answer
        time.sleep(0.6)                                   # ~36 emulated minutes at 3600x
        assert running.meter(1).clock_seconds > 6 * 3600 + 600
        second = source.read()
        assert second.import_wh + second.export_wh > first.import_wh + first.export_wh
        link.close()
    with pytest.raises(ValueError, match="iec"):
        start_emulator("iec62056", ["sdm120"], [1])
    with pytest.raises(ValueError, match="one per id"):
        start_emulator("modbus-tcp", ["sdm120", "sdm120"], [1, 2, 3], address="127.0.0.1:0")
