//! Node records: an affiliate's signed statement of which libp2p peer runs its
//! node, where it listens, and which key handoffs are sealed to.

use crate::encoding::check_text;
use crate::error::{ProtocolError, Result};
use crate::id::{AffiliateId, Timestamp};
use crate::keys::EncryptionPublicKey;
use crate::limits::{
    MAX_ADDRESS_LEN, MAX_NODE_ADDRESSES, MAX_NODE_RECORD_BYTES, MAX_PEER_ID_BYTES,
};
use crate::signed::{Signed, SignedKind};
use serde::{Deserialize, Serialize};

/// Binds an affiliate to its node. A record with a higher `serial` supersedes
/// the older ones from its `valid_from` on; rotating the node's peer id or the
/// encryption key is a new record, no charter vote needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    pub affiliate: AffiliateId,
    pub serial: u64,
    /// The libp2p peer id, as its multihash bytes.
    #[serde(with = "serde_bytes")]
    pub peer_id: Vec<u8>,
    /// Multiaddrs the node listens on, e.g. `/ip4/203.0.113.7/tcp/4100`.
    pub addresses: Vec<String>,
    pub encryption_key: EncryptionPublicKey,
    pub issued_at: Timestamp,
    pub valid_from: Timestamp,
    pub valid_until: Option<Timestamp>,
}

pub type SignedNodeRecord = Signed<NodeRecord>;

impl SignedKind for NodeRecord {
    const TAG: &'static str = "unionfed/node-record/v1";
    const WHAT: &'static str = "node record";
    const MAX_BYTES: usize = MAX_NODE_RECORD_BYTES;

    fn author(&self) -> &AffiliateId {
        &self.affiliate
    }

    fn signed_at(&self) -> Timestamp {
        self.issued_at
    }

    fn check(&self) -> Result<()> {
        if self.peer_id.is_empty() || self.peer_id.len() > MAX_PEER_ID_BYTES {
            return Err(ProtocolError::invalid(
                "node record",
                format!(
                    "peer id of {} bytes; expected 1 to {MAX_PEER_ID_BYTES}",
                    self.peer_id.len()
                ),
            ));
        }
        if self.addresses.len() > MAX_NODE_ADDRESSES {
            return Err(ProtocolError::invalid(
                "node record",
                format!(
                    "{} addresses; at most {MAX_NODE_ADDRESSES}",
                    self.addresses.len()
                ),
            ));
        }
        for address in &self.addresses {
            check_text("node address", address, MAX_ADDRESS_LEN)?;
        }
        if self
            .valid_until
            .is_some_and(|until| until <= self.valid_from)
        {
            return Err(ProtocolError::invalid(
                "node record",
                "valid_until must be after valid_from",
            ));
        }
        Ok(())
    }
}

impl NodeRecord {
    pub fn is_valid_at(&self, at: Timestamp) -> bool {
        at >= self.valid_from && self.valid_until.is_none_or(|until| at < until)
    }

    /// The record in force at `at`: the highest serial among those valid then.
    pub fn current<'a>(
        records: impl IntoIterator<Item = &'a NodeRecord>,
        at: Timestamp,
    ) -> Option<&'a NodeRecord> {
        records
            .into_iter()
            .filter(|r| r.is_valid_at(at))
            .max_by_key(|r| r.serial)
    }
}
