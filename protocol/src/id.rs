//! Identifiers: parsed once at the edge, trusted inside.

use crate::error::{ProtocolError, Result};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An affiliate's short code, e.g. `KSPI`, `MTUC`, `NTUC-PHL`.
///
/// 2 to 12 characters: upper-case ASCII letters, digits and `-`; it starts with
/// a letter and does not end with `-`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AffiliateId(String);

impl AffiliateId {
    pub const MIN_LEN: usize = 2;
    pub const MAX_LEN: usize = 12;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AffiliateId {
    type Err = ProtocolError;

    fn from_str(s: &str) -> Result<Self> {
        let problem = if s.len() < Self::MIN_LEN || s.len() > Self::MAX_LEN {
            Some(format!(
                "{s:?} has {} characters; an affiliate code has {} to {}",
                s.chars().count(),
                Self::MIN_LEN,
                Self::MAX_LEN
            ))
        } else if !s.starts_with(|c: char| c.is_ascii_uppercase()) {
            Some(format!("{s:?} must start with an upper-case letter A-Z"))
        } else if s.ends_with('-') {
            Some(format!("{s:?} must not end with '-'"))
        } else {
            s.chars()
                .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-'))
                .map(|bad| {
                    format!(
                        "{s:?} contains {bad:?}; use only A-Z, 0-9 and '-' (e.g. KSPI, NTUC-PHL)"
                    )
                })
        };
        match problem {
            Some(detail) => Err(ProtocolError::invalid("affiliate code", detail)),
            None => Ok(AffiliateId(s.to_owned())),
        }
    }
}

impl TryFrom<String> for AffiliateId {
    type Error = ProtocolError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<AffiliateId> for String {
    fn from(id: AffiliateId) -> String {
        id.0
    }
}

impl fmt::Display for AffiliateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AffiliateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 3166-1 alpha-2 country code, e.g. `ID`, `MY`, `PH`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryCode {
    type Err = ProtocolError;

    fn from_str(s: &str) -> Result<Self> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(CountryCode([*a, *b])),
            _ => Err(ProtocolError::invalid(
                "country code",
                format!("{s:?} is not an ISO 3166-1 alpha-2 code; use two upper-case letters such as ID, MY or PH"),
            )),
        }
    }
}

impl TryFrom<String> for CountryCode {
    type Error = ProtocolError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name([u8; 16]);

        /// 16 raw bytes in binary formats, 32 hex digits in JSON and TOML.
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    s.serialize_str(&self.to_string())
                } else {
                    crate::bytes::serialize(&self.0, s)
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                if d.is_human_readable() {
                    let text = String::deserialize(d)?;
                    text.parse().map_err(serde::de::Error::custom)
                } else {
                    crate::bytes::deserialize(d).map($name)
                }
            }
        }

        impl $name {
            /// A fresh random id from the operating system's generator.
            pub fn random() -> Self {
                let mut bytes = [0u8; 16];
                OsRng.fill_bytes(&mut bytes);
                $name(bytes)
            }

            pub const fn from_bytes(bytes: [u8; 16]) -> Self {
                $name(bytes)
            }

            pub fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ProtocolError;

            fn from_str(s: &str) -> Result<Self> {
                let mut bytes = [0u8; 16];
                hex::decode_to_slice(s, &mut bytes).map_err(|_| {
                    ProtocolError::invalid(
                        $what,
                        format!("{s:?} is not 32 hexadecimal digits"),
                    )
                })?;
                Ok($name(bytes))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), hex::encode(self.0))
            }
        }
    };
}

random_id!(
    /// A member's id: 128 random bits, the same at every node. Carries no
    /// personal data; written as 32 lower-case hex digits.
    MemberId,
    "member id"
);
random_id!(
    /// A handoff's id: 128 random bits chosen by the sender; the receiver drops
    /// duplicates by it.
    HandoffId,
    "handoff id"
);

/// A position in an author's log; the first entry is 1.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Seq(u64);

impl Seq {
    pub const FIRST: Seq = Seq(1);

    pub fn new(n: u64) -> Result<Self> {
        if n == 0 {
            Err(ProtocolError::invalid(
                "sequence number",
                "0 is not a sequence number; logs start at 1",
            ))
        } else {
            Ok(Seq(n))
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// The next sequence number, or an error at the end of the range.
    pub fn next(self) -> Result<Seq> {
        self.0
            .checked_add(1)
            .map(Seq)
            .ok_or_else(|| ProtocolError::invalid("sequence number", "the log is full"))
    }

    pub fn prev(self) -> Option<Seq> {
        (self.0 > 1).then(|| Seq(self.0 - 1))
    }
}

impl TryFrom<u64> for Seq {
    type Error = ProtocolError;
    fn try_from(n: u64) -> Result<Self> {
        Seq::new(n)
    }
}

impl From<Seq> for u64 {
    fn from(s: Seq) -> u64 {
        s.0
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// SHA-256 of an entry's signed bytes; `prev` links an entry to the one before.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntryHash(#[serde(with = "crate::bytes")] pub [u8; 32]);

impl fmt::Display for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryHash({})", &hex::encode(self.0)[..16])
    }
}

/// Seconds since 1970-01-01T00:00:00Z (UTC), as the author's clock read it.
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Debug, Default,
)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub fn secs(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affiliate_codes_follow_the_rules() {
        for good in ["KSPI", "MTUC", "NTUC-PHL", "K2", "CLC-KH1"] {
            assert_eq!(
                good.parse::<AffiliateId>().map(|a| a.to_string()),
                Ok(good.to_owned())
            );
        }
        for bad in [
            "",
            "K",
            "kspi",
            "1KSP",
            "KSPI-",
            "KS PI",
            "ABCDEFGHIJKLM",
            "KSPÍ",
        ] {
            assert!(bad.parse::<AffiliateId>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn country_codes_are_two_upper_case_letters() {
        assert!("ID".parse::<CountryCode>().is_ok());
        for bad in ["id", "IDN", "I", "1D", ""] {
            assert!(bad.parse::<CountryCode>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn member_ids_round_trip_through_hex() {
        let id = MemberId::random();
        assert_eq!(id.to_string().parse::<MemberId>(), Ok(id));
        assert!("xyz".parse::<MemberId>().is_err());
        assert_ne!(MemberId::random(), MemberId::random());
    }

    #[test]
    fn seq_zero_is_refused() {
        assert!(Seq::new(0).is_err());
        assert!(postcard::from_bytes::<Seq>(&[0]).is_err());
        assert_eq!(Seq::FIRST.prev(), None);
    }
}
