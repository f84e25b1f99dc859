//! Messages between nodes: protocol names, sync, gossip and handoff requests.
//!
//! Every message has a size limit that is checked before decoding, and rules
//! that are checked right after.

use crate::charter::CharterDocument;
use crate::encoding;
use crate::entry::{Equivocation, SignedEntry};
use crate::error::{ProtocolError, Result};
use crate::handoff::{SignedHandoff, SignedReceipt};
use crate::id::{AffiliateId, EntryHash, HandoffId, Seq};
use crate::limits::{
    MAX_ENTRIES_PER_PAGE, MAX_GOSSIP_MESSAGE_BYTES, MAX_HANDOFF_MESSAGE_BYTES, MAX_HEADS,
    MAX_SYNC_MESSAGE_BYTES,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Request-response protocol for heads and catch-up.
pub const SYNC_PROTOCOL: &str = "/unionfed/sync/1";
/// Request-response protocol for handoffs and their receipts.
pub const HANDOFF_PROTOCOL: &str = "/unionfed/handoff/1";
/// Gossipsub topic for new entries and charters.
pub const GOSSIP_TOPIC: &str = "unionfed/entries/1";

/// A message type on the wire: postcard, bounded, checked.
pub trait WireMessage: Serialize + DeserializeOwned {
    const WHAT: &'static str;
    const MAX_BYTES: usize;

    /// Rules beyond the encoding, e.g. page sizes.
    fn check(&self) -> Result<()> {
        Ok(())
    }

    fn encode(&self) -> Result<Vec<u8>> {
        self.check()?;
        let bytes = encoding::encode(Self::WHAT, self)?;
        if bytes.len() > Self::MAX_BYTES {
            return Err(ProtocolError::TooLarge {
                what: Self::WHAT,
                len: bytes.len(),
                max: Self::MAX_BYTES,
            });
        }
        Ok(bytes)
    }

    fn decode(bytes: &[u8]) -> Result<Self> {
        let message: Self = encoding::decode(Self::WHAT, bytes, Self::MAX_BYTES)?;
        message.check()?;
        Ok(message)
    }
}

/// The last contiguous entry a node holds for one author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorHead {
    pub author: AffiliateId,
    pub seq: Seq,
    pub hash: EntryHash,
}

/// What a node holds: its charter version and a head per author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heads {
    pub charter_version: u32,
    pub heads: Vec<AuthorHead>,
}

impl Heads {
    fn check(&self) -> Result<()> {
        if self.heads.len() > MAX_HEADS {
            return Err(ProtocolError::TooLarge {
                what: "heads",
                len: self.heads.len(),
                max: MAX_HEADS,
            });
        }
        let mut seen = BTreeSet::new();
        if let Some(dup) = self.heads.iter().find(|h| !seen.insert(&h.author)) {
            return Err(ProtocolError::invalid(
                "heads",
                format!("{} is listed twice", dup.author),
            ));
        }
        Ok(())
    }

    pub fn get(&self, author: &AffiliateId) -> Option<&AuthorHead> {
        self.heads.iter().find(|h| &h.author == author)
    }
}

/// A request on `/unionfed/sync/1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncRequest {
    /// "Here is what I hold; what do you hold?"
    Heads(Heads),
    /// Entries of `author` from `from` on, at most `limit` of them.
    GetRange {
        author: AffiliateId,
        from: Seq,
        limit: u32,
    },
    /// Every charter version after `after` that the peer holds, in order.
    GetCharters { after: u32 },
}

impl WireMessage for SyncRequest {
    const WHAT: &'static str = "sync request";
    const MAX_BYTES: usize = 64 * 1024;

    fn check(&self) -> Result<()> {
        match self {
            SyncRequest::Heads(h) => h.check(),
            SyncRequest::GetRange { limit, .. } if *limit == 0 || *limit > MAX_ENTRIES_PER_PAGE => {
                Err(ProtocolError::invalid(
                    "range request",
                    format!("limit {limit}; ask for 1 to {MAX_ENTRIES_PER_PAGE} entries"),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// An answer on `/unionfed/sync/1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncResponse {
    Heads(Heads),
    /// Contiguous entries of one author, in order; `more` when the page was
    /// cut short by a limit and the asker should continue.
    Entries {
        entries: Vec<SignedEntry>,
        more: bool,
    },
    Charters(Vec<CharterDocument>),
    /// The request was refused; the message says why.
    Refused {
        message: String,
    },
}

impl WireMessage for SyncResponse {
    const WHAT: &'static str = "sync response";
    const MAX_BYTES: usize = MAX_SYNC_MESSAGE_BYTES;

    fn check(&self) -> Result<()> {
        match self {
            SyncResponse::Heads(h) => h.check(),
            SyncResponse::Entries { entries, .. }
                if entries.len() > MAX_ENTRIES_PER_PAGE as usize =>
            {
                Err(ProtocolError::TooLarge {
                    what: "entries page",
                    len: entries.len(),
                    max: MAX_ENTRIES_PER_PAGE as usize,
                })
            }
            _ => Ok(()),
        }
    }
}

/// A message on the gossip topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GossipMessage {
    Entry(SignedEntry),
    Charter(CharterDocument),
    Equivocation(Box<Equivocation>),
}

impl WireMessage for GossipMessage {
    const WHAT: &'static str = "gossip message";
    const MAX_BYTES: usize = MAX_GOSSIP_MESSAGE_BYTES;
}

/// A request on `/unionfed/handoff/1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandoffRequest {
    /// For the receiving node's own affiliate.
    Deliver(SignedHandoff),
    /// For another affiliate that is unreachable: hold it and pass it on.
    Deposit(SignedHandoff),
    /// A receipt travelling back through a node that held a deposit.
    Receipt(SignedReceipt),
}

impl WireMessage for HandoffRequest {
    const WHAT: &'static str = "handoff request";
    const MAX_BYTES: usize = MAX_HANDOFF_MESSAGE_BYTES;
}

/// An answer on `/unionfed/handoff/1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandoffResponse {
    /// The recipient holds it on disk.
    Receipt(SignedReceipt),
    /// A relay holds the deposit on disk and will pass it on.
    Held {
        handoff: HandoffId,
    },
    /// Acknowledges a relayed receipt.
    Noted,
    Refused {
        message: String,
    },
}

impl WireMessage for HandoffResponse {
    const WHAT: &'static str = "handoff response";
    const MAX_BYTES: usize = 64 * 1024;
}

/// What an offline verifier needs besides the charter: the latest attestation
/// of each member and the representation entries in force, each still signed
/// by its author, so the node that served the snapshot need not be trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSnapshot {
    pub charter_version: u32,
    pub generated_at: crate::id::Timestamp,
    pub entries: Vec<SignedEntry>,
}

impl WireMessage for StatusSnapshot {
    const WHAT: &'static str = "status snapshot";
    const MAX_BYTES: usize = crate::limits::MAX_STATUS_SNAPSHOT_BYTES;
}
