from solders.pubkey import Pubkey

PROGRAM_ID = Pubkey.from_string("DZEvMY9Sw4cVMXW4LBQVqPVFdKnsvuK7W21nQ8MvFYzw")
