"""`gtx demo`: a prosumer/consumer community simulated on the embedded chain (LiteSVM).

* :mod:`.profiles`   deterministic integer solar / load profiles (15-minute intervals, Wh)
* :mod:`.simulation` the run: bootstrap, participants, signed readings, settlement, ERCs, orders, auctions
* :mod:`.report`     report.json, Rich tables and the PNG chart
"""
