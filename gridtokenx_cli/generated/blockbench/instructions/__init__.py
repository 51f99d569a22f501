from .cpu_heavy import cpu_heavy, CpuHeavyArgs, CpuHeavyAccounts
from .do_nothing import do_nothing, DoNothingAccounts
from .fund_store import fund_store, FundStoreArgs, FundStoreAccounts
from .init_store import init_store, InitStoreArgs, InitStoreAccounts
from .io_mixed import io_mixed, IoMixedArgs, IoMixedAccounts
from .io_read import io_read, IoReadArgs, IoReadAccounts
from .io_write import io_write, IoWriteArgs, IoWriteAccounts
from .smallbank_amalgamate import smallbank_amalgamate, SmallbankAmalgamateAccounts
from .smallbank_balance import smallbank_balance, SmallbankBalanceAccounts
from .smallbank_create_account import (
    smallbank_create_account,
    SmallbankCreateAccountArgs,
    SmallbankCreateAccountAccounts,
)
from .smallbank_deposit_checking import (
    smallbank_deposit_checking,
    SmallbankDepositCheckingArgs,
    SmallbankDepositCheckingAccounts,
)
from .smallbank_init_bank import (
    smallbank_init_bank,
    SmallbankInitBankArgs,
    SmallbankInitBankAccounts,
)
from .smallbank_send_payment import (
    smallbank_send_payment,
    SmallbankSendPaymentArgs,
    SmallbankSendPaymentAccounts,
)
from .smallbank_transact_savings import (
    smallbank_transact_savings,
    SmallbankTransactSavingsArgs,
    SmallbankTransactSavingsAccounts,
)
from .smallbank_write_check import (
    smallbank_write_check,
    SmallbankWriteCheckArgs,
    SmallbankWriteCheckAccounts,
)
from .ycsb_init_table import ycsb_init_table, YcsbInitTableArgs, YcsbInitTableAccounts
from .ycsb_insert import ycsb_insert, YcsbInsertArgs, YcsbInsertAccounts
from .ycsb_read import ycsb_read, YcsbReadArgs, YcsbReadAccounts
from .ycsb_read_modify_write import (
    ycsb_read_modify_write,
    YcsbReadModifyWriteArgs,
    YcsbReadModifyWriteAccounts,
)
from .ycsb_scan import ycsb_scan, YcsbScanArgs, YcsbScanAccounts
from .ycsb_update import ycsb_update, YcsbUpdateArgs, YcsbUpdateAccounts
