//! The one error type of the protocol crate.

use crate::id::AffiliateId;

/// Everything that can be wrong with bytes, keys, entries, charters, cards and
/// handoffs. Each message names the thing and, where it helps, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    #[error("{what} is {len} bytes, over the limit of {max} bytes")]
    TooLarge {
        what: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{what} could not be decoded: {detail}")]
    Decode { what: &'static str, detail: String },
    #[error("{what} could not be encoded: {detail}")]
    Encode { what: &'static str, detail: String },
    #[error("{what} has {extra} unexpected bytes after its end")]
    TrailingBytes { what: &'static str, extra: usize },
    #[error("invalid {what}: {detail}")]
    Invalid { what: &'static str, detail: String },
    #[error("the signature on this {what} by {signer} does not verify; it was altered or signed with another key")]
    BadSignature {
        what: &'static str,
        signer: AffiliateId,
    },
    #[error("{what} is signed by {signer}, which is not an affiliate in the charter")]
    UnknownSigner {
        what: &'static str,
        signer: AffiliateId,
    },
    #[error("{what} names {claimed} as its author but is signed by {signer}")]
    SignerMismatch {
        what: &'static str,
        claimed: AffiliateId,
        signer: AffiliateId,
    },
    #[error("{what} by {signer} was signed at {at} with a key that was not valid then")]
    KeyNotValidAt {
        what: &'static str,
        signer: AffiliateId,
        at: u64,
    },
    #[error(
        "entry {author}#{seq} does not follow {author}#{head}: sequence numbers must be contiguous"
    )]
    SeqGap {
        author: AffiliateId,
        seq: u64,
        head: u64,
    },
    #[error(
        "entry {author}#{seq} names a previous entry that is not {author}#{prev_seq} as stored"
    )]
    PrevMismatch {
        author: AffiliateId,
        seq: u64,
        prev_seq: u64,
    },
    #[error("{author} signed two different entries with sequence number {seq} (equivocation); both are kept as evidence")]
    Equivocation { author: AffiliateId, seq: u64 },
    #[error("charter v{version} has {have} of the {need} signatures it needs; missing: {missing}")]
    CharterThreshold {
        version: u32,
        have: usize,
        need: usize,
        missing: String,
    },
    #[error("charter v{offered} is not the successor of the charter held (v{held}); only v{expected} can be adopted next")]
    CharterNotNext {
        offered: u32,
        held: u32,
        expected: u32,
    },
    #[error("charter v{version} does not name the charter held (v{held}) as its predecessor")]
    CharterPredecessor { version: u32, held: u32 },
    #[error("card text must start with \"UF1:\"; this looks like {found}")]
    CardPrefix { found: String },
    #[error("card text is not valid base45 (RFC 9285): {detail}")]
    CardBase45 { detail: String },
    #[error("card data is not valid zlib: {detail}")]
    CardZlib { detail: String },
    #[error("card data inflates to more than {max} bytes; it is not a unionfed card")]
    CardBomb { max: usize },
    #[error("card is not a valid COSE_Sign1 structure: {detail}")]
    CardCose { detail: String },
    #[error("card claim {claim} is missing or malformed")]
    CardClaim { claim: &'static str },
    #[error("card uses algorithm {found}; unionfed cards are signed with EdDSA (-8)")]
    CardAlgorithm { found: String },
    #[error(
        "card expired at {expired_at} (checked at {now}); the member should ask for a new card"
    )]
    CardExpired { expired_at: u64, now: u64 },
    #[error("card is issued at {issued_at}, which is in the future (checked at {now})")]
    CardNotYetValid { issued_at: u64, now: u64 },
    #[error("no attestation from {issuer} for member {member} has reached this node; it may be new (try again later) or not issued by {issuer}")]
    CardNoAttestation { issuer: AffiliateId, member: String },
    #[error("the card's holder details do not match the issuer's attestation; the card was altered or replaced")]
    CardHolderMismatch,
    #[error("the membership is {status}, not active")]
    CardStatus { status: crate::entry::MemberStatus },
    #[error("handoff {id} is addressed to {recipient}, not to {us}")]
    HandoffNotForUs {
        id: String,
        recipient: AffiliateId,
        us: AffiliateId,
    },
    #[error(
        "handoff {id} could not be opened: it was altered, re-addressed or sealed to another key"
    )]
    HandoffOpen { id: String },
    #[error("handoff could not be sealed: {detail}")]
    HandoffSeal { detail: String },
    #[error("QR code could not be made: {detail}")]
    Qr { detail: String },
}

/// Result with [`ProtocolError`].
pub type Result<T, E = ProtocolError> = std::result::Result<T, E>;

impl ProtocolError {
    /// A stable short name for the error, for JSON error bodies and test vectors.
    pub fn code(&self) -> &'static str {
        match self {
            ProtocolError::TooLarge { .. } => "too_large",
            ProtocolError::Decode { .. } => "decode",
            ProtocolError::Encode { .. } => "encode",
            ProtocolError::TrailingBytes { .. } => "trailing_bytes",
            ProtocolError::Invalid { .. } => "invalid",
            ProtocolError::BadSignature { .. } => "bad_signature",
            ProtocolError::UnknownSigner { .. } => "unknown_signer",
            ProtocolError::SignerMismatch { .. } => "signer_mismatch",
            ProtocolError::KeyNotValidAt { .. } => "key_not_valid_at",
            ProtocolError::SeqGap { .. } => "seq_gap",
            ProtocolError::PrevMismatch { .. } => "prev_mismatch",
            ProtocolError::Equivocation { .. } => "equivocation",
            ProtocolError::CharterThreshold { .. } => "charter_threshold",
            ProtocolError::CharterNotNext { .. } => "charter_not_next",
            ProtocolError::CharterPredecessor { .. } => "charter_predecessor",
            ProtocolError::CardPrefix { .. } => "card_prefix",
            ProtocolError::CardBase45 { .. } => "card_base45",
            ProtocolError::CardZlib { .. } => "card_zlib",
            ProtocolError::CardBomb { .. } => "card_bomb",
            ProtocolError::CardCose { .. } => "card_cose",
            ProtocolError::CardClaim { .. } => "card_claim",
            ProtocolError::CardAlgorithm { .. } => "card_algorithm",
            ProtocolError::CardExpired { .. } => "card_expired",
            ProtocolError::CardNotYetValid { .. } => "card_not_yet_valid",
            ProtocolError::CardNoAttestation { .. } => "card_no_attestation",
            ProtocolError::CardHolderMismatch => "card_holder_mismatch",
            ProtocolError::CardStatus { .. } => "card_status",
            ProtocolError::HandoffNotForUs { .. } => "handoff_not_for_us",
            ProtocolError::HandoffOpen { .. } => "handoff_open",
            ProtocolError::HandoffSeal { .. } => "handoff_seal",
            ProtocolError::Qr { .. } => "qr",
        }
    }

    pub(crate) fn invalid(what: &'static str, detail: impl Into<String>) -> Self {
        ProtocolError::Invalid {
            what,
            detail: detail.into(),
        }
    }
}
