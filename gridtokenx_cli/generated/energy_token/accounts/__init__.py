from .token_info import TokenInfo, TokenInfoJSON
