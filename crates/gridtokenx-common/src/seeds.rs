//! Every PDA seed of the platform. The program that owns the PDA is named after each constant.

/// governance: `[GOVERNANCE_CONFIG]` -> GovernanceConfig
pub const GOVERNANCE_CONFIG: &[u8] = b"poa_config";
/// governance: `[ERC_CERTIFICATE, certificate_id]` -> ErcCertificate
pub const ERC_CERTIFICATE: &[u8] = b"erc_certificate";

/// registry: `[REGISTRY_CONFIG]` -> RegistryConfig
pub const REGISTRY_CONFIG: &[u8] = b"registry";
/// registry: `[USER, owner]` -> UserAccount
pub const USER: &[u8] = b"user";
/// registry: `[METER, meter_id (32 bytes)]` -> MeterAccount
pub const METER: &[u8] = b"meter";
/// registry: `[REGISTRY_AUTHORITY]` -> signer PDA of the registry for its CPI into energy_token
pub const REGISTRY_AUTHORITY: &[u8] = b"registry_authority";

/// energy_token: `[TOKEN_INFO]` -> TokenInfo, also the mint authority
pub const TOKEN_INFO: &[u8] = b"token_info_2022";
/// energy_token: `[GRX_MINT]` -> the GRX Token-2022 mint
pub const GRX_MINT: &[u8] = b"grx_mint";

/// oracle: `[ORACLE_CONFIG]` -> OracleConfig
pub const ORACLE_CONFIG: &[u8] = b"oracle_config";
/// oracle: `[ORACLE_AUTHORITY]` -> signer PDA of the oracle for its CPI into registry
pub const ORACLE_AUTHORITY: &[u8] = b"oracle_authority";
/// oracle: `[METER_STATE, meter_id]` -> per-meter validation state
pub const METER_STATE: &[u8] = b"meter_state";

/// governance: `[GOVERNANCE_AUTHORITY]` -> signer PDA of governance for its CPI into registry
pub const GOVERNANCE_AUTHORITY: &[u8] = b"governance_authority";

/// trading: `[MARKET]` -> Market
pub const MARKET: &[u8] = b"market";
/// trading: `[ORDER, market, order_id u64 le]` -> Order
pub const ORDER: &[u8] = b"order";
/// trading: `[ESCROW_AUTHORITY, market]` -> owner of the escrow token accounts
pub const ESCROW_AUTHORITY: &[u8] = b"escrow";
/// trading: `[POOL, curve u8]` -> AMM pool
pub const POOL: &[u8] = b"pool";
