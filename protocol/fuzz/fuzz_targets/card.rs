//! Card strings from arbitrary text: never a panic, every error typed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unionfed_protocol::DecodedCard;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = DecodedCard::decode(text);
        let _ = DecodedCard::decode(&format!("UF1:{text}"));
    }
});
