from .kv_store import KvStore, KvStoreJSON
from .smallbank_bank import SmallbankBank, SmallbankBankJSON
from .smallbank_customer import SmallbankCustomer, SmallbankCustomerJSON
from .ycsb_record import YcsbRecord, YcsbRecordJSON
from .ycsb_table import YcsbTable, YcsbTableJSON
