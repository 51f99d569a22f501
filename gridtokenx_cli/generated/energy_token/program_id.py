from solders.pubkey import Pubkey

PROGRAM_ID = Pubkey.from_string("8V9a99PnHt5Z7oUy5ghaR5p9gCm1srurLUkCVZJ4yAFk")
