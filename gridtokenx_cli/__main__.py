"""`python -m gridtokenx_cli` = `gtx`."""
from gridtokenx_cli.cli import main

main()
