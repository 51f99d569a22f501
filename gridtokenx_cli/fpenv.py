"""The CPU's floating-point state, put back to the default after native code that leaves it changed.

Programs executed by solders' LiteSVM (seen after SPL Token-2022 account creation) return with the x87 register
stack not empty. Python's own arithmetic uses SSE and is unaffected, but the C library's x87 code (e.g. the
`fmod` behind NumPy's floor division) then overflows the stack and yields NaN: `np.arange` fails with "arange:
cannot compute length" inside matplotlib's tick locator, and NumPy warns of invalid values that did not happen.
`restore_default()` runs `fninit` (x87: empty stack, default control word) and `fesetenv(FE_DFL_ENV)` (SSE flags
and masks) on the calling thread."""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import mmap
import platform


@functools.cache
def _libm():
    name = ctypes.util.find_library("m")
    return ctypes.CDLL(name) if name else None


@functools.cache
def _fninit():
    """`fninit; ret` as a callable (x86-64 only; None where executable memory is refused or there is no x87)."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    try:
        page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    except (OSError, ValueError, AttributeError):
        return None
    page.write(b"\xdb\xe3\xc3")  # fninit; ret
    address = ctypes.addressof(ctypes.c_char.from_buffer(page))
    return page, ctypes.CFUNCTYPE(None)(address)


def restore_default() -> None:
    """The default floating-point state on this thread (a no-op where it cannot be set)."""
    fninit = _fninit()
    if fninit is not None:
        fninit[1]()
    libm = _libm()
    if libm is not None:
        libm.fesetenv(ctypes.c_void_p(-1))  # glibc's FE_DFL_ENV
