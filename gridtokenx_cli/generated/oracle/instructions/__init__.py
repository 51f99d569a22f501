from .placeholder import placeholder, PlaceholderAccounts
