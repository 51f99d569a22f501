from .kv_store import KvStore, KvStoreJSON
