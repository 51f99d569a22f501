from solders.pubkey import Pubkey

PROGRAM_ID = Pubkey.from_string("ENvgeJ59m2FrZdb8j1rrMaz1KxXKxotV4961FzbHtgdM")
