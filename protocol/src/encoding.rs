//! The canonical encoding: postcard, with a size check before decoding and no
//! trailing bytes. See `docs/protocol.md` ("Encoding") for why postcard.

use crate::error::{ProtocolError, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Encodes `value` with postcard.
pub fn encode<T: Serialize>(what: &'static str, value: &T) -> Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(|e| ProtocolError::Encode {
        what,
        detail: e.to_string(),
    })
}

/// Decodes exactly one `T` from `bytes`, refusing input over `max` bytes before
/// looking at it and refusing anything left over after the value.
pub fn decode<T: DeserializeOwned>(what: &'static str, bytes: &[u8], max: usize) -> Result<T> {
    if bytes.len() > max {
        return Err(ProtocolError::TooLarge {
            what,
            len: bytes.len(),
            max,
        });
    }
    let (value, rest) =
        postcard::take_from_bytes::<T>(bytes).map_err(|e| ProtocolError::Decode {
            what,
            detail: e.to_string(),
        })?;
    if !rest.is_empty() {
        return Err(ProtocolError::TrailingBytes {
            what,
            extra: rest.len(),
        });
    }
    Ok(value)
}

/// Refuses a string longer than `max` bytes or one with control characters.
pub(crate) fn check_text(what: &'static str, s: &str, max: usize) -> Result<()> {
    if s.len() > max {
        return Err(ProtocolError::TooLarge {
            what,
            len: s.len(),
            max,
        });
    }
    if s.chars().any(char::is_control) {
        return Err(ProtocolError::invalid(what, "contains control characters"));
    }
    Ok(())
}
