//! Size limits for everything that crosses a node's boundary.
//!
//! Decoders check these before they allocate, so a peer cannot make a node
//! spend memory on a message it will refuse anyway.

/// Largest encoded [`crate::Entry`] (the signed bytes, not counting the signature).
pub const MAX_ENTRY_BYTES: usize = 4 * 1024;
/// Largest gossip message: one signed entry or one charter document.
pub const MAX_GOSSIP_MESSAGE_BYTES: usize = MAX_CHARTER_BYTES + 1024;
/// Largest sync request or response on `/unionfed/sync/1`.
pub const MAX_SYNC_MESSAGE_BYTES: usize = 8 * 1024 * 1024;
/// Most entries a peer may ask for, or send, in one `GetRange` page.
pub const MAX_ENTRIES_PER_PAGE: u32 = 1024;
/// Most authors in one `Heads` message (the charter caps affiliates lower).
pub const MAX_HEADS: usize = MAX_AFFILIATES;
/// Largest handoff request or response on `/unionfed/handoff/1`.
pub const MAX_HANDOFF_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
/// Largest sealed handoff payload (the plaintext before encryption).
pub const MAX_HANDOFF_PLAINTEXT_BYTES: usize = 12 * 1024 * 1024;
/// Largest encoded charter.
pub const MAX_CHARTER_BYTES: usize = 256 * 1024;
/// Most affiliates one charter may list.
pub const MAX_AFFILIATES: usize = 256;
/// Most signing keys (current and retired) one affiliate may list.
pub const MAX_KEYS_PER_AFFILIATE: usize = 16;
/// Most node records one affiliate may list in the charter.
pub const MAX_NODES_PER_AFFILIATE: usize = 8;
/// Largest encoded node record.
pub const MAX_NODE_RECORD_BYTES: usize = 8 * 1024;
/// Most listen addresses in one node record.
pub const MAX_NODE_ADDRESSES: usize = 16;
/// Longest multiaddr string in a node record.
pub const MAX_ADDRESS_LEN: usize = 256;
/// Longest libp2p peer id (multihash bytes).
pub const MAX_PEER_ID_BYTES: usize = 64;
/// Longest affiliate or federation display name, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 200;
/// Longest card string (`UF1:` and base45 text) a verifier will look at.
pub const MAX_CARD_CHARS: usize = 4 * 1024;
/// Largest COSE structure after decompression: caps a zlib bomb.
pub const MAX_CARD_COSE_BYTES: usize = 2 * 1024;
/// Longest holder display name on a card, in bytes of UTF-8.
pub const MAX_HOLDER_NAME_BYTES: usize = 120;
/// Most representing affiliates on one card.
pub const MAX_REPRESENTING: usize = 16;
/// Largest signed receipt.
pub const MAX_RECEIPT_BYTES: usize = 1024;
/// Largest unknown entry body that is still stored and relayed.
pub const MAX_BODY_BYTES: usize = MAX_ENTRY_BYTES - 256;
/// Largest status snapshot an offline verifier will read.
pub const MAX_STATUS_SNAPSHOT_BYTES: usize = 512 * 1024 * 1024;
