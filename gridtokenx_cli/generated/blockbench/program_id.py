from solders.pubkey import Pubkey

PROGRAM_ID = Pubkey.from_string("9SW3RMdVxMNMakVCtVvyzQrCXzjntmf1qwfb2yN1rzpU")
