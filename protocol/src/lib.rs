//! Everything that crosses a unionfed node's boundary: identifiers, keys, the
//! signed envelope, log entries, the charter, membership cards, encrypted
//! handoffs and wire messages. No I/O: the wire spec is `docs/protocol.md`.

pub mod base45;
mod bytes;
pub mod card;
pub mod charter;
pub mod encoding;
pub mod entry;
pub mod error;
pub mod handoff;
pub mod id;
pub mod keys;
pub mod limits;
pub mod node_record;
pub mod qr;
pub mod signed;
pub mod wire;

pub use card::{CardClaims, DecodedCard};
pub use charter::{AffiliateStatus, Charter, CharterAffiliate, CharterDocument};
pub use entry::{
    Body, Entry, Equivocation, Head, HolderCommitment, MemberStatus, MembershipAttestation,
    RepresentationCommitment, RepresentationEnd, SignedEntry,
};
pub use error::{ProtocolError, Result};
pub use handoff::{Handoff, HandoffKind, HandoffSeal, Receipt, SignedHandoff, SignedReceipt};
pub use id::{AffiliateId, CountryCode, EntryHash, HandoffId, MemberId, Seq, Timestamp};
pub use keys::{
    AffiliateSigningKey, EncryptionPublicKey, EncryptionSecretKey, PublicKey, SignatureBytes,
};
pub use node_record::{NodeRecord, SignedNodeRecord};
pub use signed::{KeyPeriod, Signed, SignedKind, SigningKeys};
