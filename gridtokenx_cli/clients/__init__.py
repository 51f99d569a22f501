"""Program-specific clients (the SDK): PDA derivation, canonical encodings, instruction builders, account and
event decoding. No LiteSVM here: its fixtures are in ``gridtokenx_cli.testing``."""
