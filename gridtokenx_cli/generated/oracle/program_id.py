from solders.pubkey import Pubkey

PROGRAM_ID = Pubkey.from_string("6DPPRAgHsCJxcJrDMKKXcTGQnwfigEFAHXD8H6bEuB4V")
