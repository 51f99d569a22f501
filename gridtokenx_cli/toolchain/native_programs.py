"""Programs under programs/ that are not Anchor programs. `gtx build` compiles them like the others but writes no
Anchor IDL or generated client for them, and their id is fixed by the interface they implement rather than by a
keypair in keys/programs/ (so `gtx keys sync` and `gtx deploy` leave them alone): crate name -> program id."""
from __future__ import annotations

NATIVE_PROGRAMS = {
    # the Program Metadata interface, where Anchor 1.x keeps IDLs; loaded at its canonical address at genesis
    "program_metadata": "ProgM6JCCvbYkfKqJYHePx4xxSUSqJp7rh8Lyv7nk7S",
}
