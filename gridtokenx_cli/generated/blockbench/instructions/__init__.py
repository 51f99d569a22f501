from .cpu_heavy import cpu_heavy, CpuHeavyArgs, CpuHeavyAccounts
from .do_nothing import do_nothing, DoNothingAccounts
from .fund_store import fund_store, FundStoreArgs, FundStoreAccounts
from .init_store import init_store, InitStoreArgs, InitStoreAccounts
from .io_mixed import io_mixed, IoMixedArgs, IoMixedAccounts
from .io_read import io_read, IoReadArgs, IoReadAccounts
from .io_write import io_write, IoWriteArgs, IoWriteAccounts
