//! Sync and gossip messages from arbitrary bytes: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unionfed_protocol::wire::{GossipMessage, SyncRequest, SyncResponse, WireMessage};

fuzz_target!(|data: &[u8]| {
    let _ = SyncRequest::decode(data);
    let _ = SyncResponse::decode(data);
    let _ = GossipMessage::decode(data);
});
