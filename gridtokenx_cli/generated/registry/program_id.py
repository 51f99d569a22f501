from solders.pubkey import Pubkey

PROGRAM_ID = Pubkey.from_string("7KPxwYbZfp7mpoAL7pNE9L54AZiZ44Vdyv2otun6NrEd")
