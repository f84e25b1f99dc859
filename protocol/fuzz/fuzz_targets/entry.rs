//! Entries and signed entries from arbitrary bytes: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unionfed_protocol::encoding::decode;
use unionfed_protocol::limits::MAX_ENTRY_BYTES;
use unionfed_protocol::{Entry, SignedEntry, SignedKind};

fuzz_target!(|data: &[u8]| {
    if let Ok(entry) = decode::<Entry>("entry", data, MAX_ENTRY_BYTES) {
        let _ = entry.check();
    }
    if let Ok(signed) = decode::<SignedEntry>("signed entry", data, MAX_ENTRY_BYTES + 128) {
        let _ = signed.decode_unverified();
        let _ = signed.hash();
    }
});
