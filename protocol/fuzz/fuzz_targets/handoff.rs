//! Handoff requests and responses from arbitrary bytes: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unionfed_protocol::wire::{HandoffRequest, HandoffResponse, WireMessage};
use unionfed_protocol::EncryptionSecretKey;

fuzz_target!(|data: &[u8]| {
    if let Ok(HandoffRequest::Deliver(signed) | HandoffRequest::Deposit(signed)) =
        HandoffRequest::decode(data)
    {
        if let Ok(handoff) = signed.decode_unverified() {
            let key = EncryptionSecretKey::from_bytes([7; 32]);
            let _ = handoff.open(&handoff.recipient, &key);
        }
    }
    let _ = HandoffResponse::decode(data);
});
