"""Program-specific Python helpers: PDA derivation, canonical encodings and LiteSVM test fixtures."""
