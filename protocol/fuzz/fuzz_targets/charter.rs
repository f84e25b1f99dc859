//! Charter documents from arbitrary bytes: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unionfed_protocol::encoding::decode;
use unionfed_protocol::limits::MAX_CHARTER_BYTES;
use unionfed_protocol::CharterDocument;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = decode::<CharterDocument>("charter", data, MAX_CHARTER_BYTES + 64 * 1024) {
        if let Ok(charter) = doc.verify_genesis() {
            let _ = doc.verify_successor(&charter, &doc.hash());
        }
    }
});
