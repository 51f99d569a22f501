"""gridtokenx_cli/fpenv.py: a full x87 register stack — what LiteSVM left behind after SPL Token-2022 work,
breaking matplotlib's tick locator in `gtx bench` charts — is repaired by `restore_default()`."""
from __future__ import annotations

import ctypes
import mmap
import platform

import numpy as np
import pytest

from gridtokenx_cli.fpenv import restore_default

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="the x87 stack exists on x86-64 only")


def _fill_x87_stack() -> None:
    """Push eight values (fld1 × 8) and return without popping them, as the offending native code did."""
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    page.write(b"\xd9\xe8" * 8 + b"\xc3")
    ctypes.CFUNCTYPE(None)(ctypes.addressof(ctypes.c_char.from_buffer(page)))()


def _tick_values() -> list[float]:
    from matplotlib.ticker import MaxNLocator

    return list(MaxNLocator().tick_values(0.0, 1500.0))


def test_a_full_x87_stack_breaks_numpy_and_restore_default_repairs_it():
    clean = _tick_values()
    assert clean[0] == 0.0 and clean[-1] >= 1500.0
    _fill_x87_stack()
    with pytest.raises(ValueError, match="arange: cannot compute length"), np.errstate(invalid="ignore"):
        _tick_values()  # the symptom seen in `gtx bench` charts
    restore_default()
    assert _tick_values() == clean
    assert np.floor_divide(np.float64(1500.0), np.float64(200.0)) == 7.0


def test_the_embedded_chain_leaves_the_floating_point_state_as_it_found_it():
    """Token-2022 account creation in LiteSVM (the platform bootstrap) dirtied the x87 stack; EmbeddedChain
    restores the default state after every transaction."""
    from solders.keypair import Keypair

    from gridtokenx_cli.chain.embedded import EmbeddedChain
    from gridtokenx_cli.platform import bootstrap_platform

    clean = _tick_values()
    p = bootstrap_platform(EmbeddedChain())
    p.register_participant("Prosumer", Keypair())
    assert _tick_values() == clean
