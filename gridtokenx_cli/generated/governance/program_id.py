from solders.pubkey import Pubkey

PROGRAM_ID = Pubkey.from_string("G4ScZyZ1dfXxHsuFv228xDnofi72JtUqF1fMPefSmxma")
