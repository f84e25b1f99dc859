//! Base45 (RFC 9285), the text form of a card inside its QR code.
//!
//! Our own because every card check decodes one: a table lookup per
//! character keeps it a small part of the check, and decoding is strict
//! where RFC 9285 says it must be (a final pair above 255 is an error).

use std::fmt;

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Marks a byte outside the alphabet in `VALUES`.
const NOT_BASE45: u8 = 0xff;

/// The value of each byte, or `NOT_BASE45`.
const VALUES: [u8; 256] = {
    let mut table = [NOT_BASE45; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Why a text is not base45, with the offset of the first bad character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base45Error {
    /// A character outside the 45 of the alphabet.
    Character { at: usize, found: char },
    /// Three characters worth more than 65535, or a final two worth more than 255.
    Value { at: usize },
    /// One character left over at the end; groups are of two or three.
    Dangling { at: usize },
}

impl fmt::Display for Base45Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base45Error::Character { at, found } => {
                write!(
                    f,
                    "character {found:?} at offset {at} is not in the base45 alphabet"
                )
            }
            Base45Error::Value { at } => {
                write!(
                    f,
                    "the group at offset {at} encodes a value too large for its bytes"
                )
            }
            Base45Error::Dangling { at } => {
                write!(f, "a single character is left over at offset {at}")
            }
        }
    }
}

impl std::error::Error for Base45Error {}

/// Encodes `bytes`: each two bytes become three characters, a last single
/// byte two.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut push = |mut n: usize, digits: usize| {
        for _ in 0..digits {
            out.push(char::from(ALPHABET[n % 45]));
            n /= 45;
        }
    };
    let pairs = bytes.chunks_exact(2);
    let last = pairs.remainder();
    for pair in pairs {
        push(usize::from(pair[0]) << 8 | usize::from(pair[1]), 3);
    }
    if let [a] = last {
        push(usize::from(*a), 2);
    }
    out
}

/// Decodes base45 `text`, refusing anything RFC 9285 does not allow.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let text = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 3 * 2 + 1);
    let value = |at: usize| match VALUES[usize::from(text[at])] {
        NOT_BASE45 => Err(Base45Error::Character {
            at,
            found: char::from(text[at]),
        }),
        v => Ok(u32::from(v)),
    };
    let whole = text.len() / 3 * 3;
    for at in (0..whole).step_by(3) {
        let n = value(at)? + value(at + 1)? * 45 + value(at + 2)? * 45 * 45;
        let n = u16::try_from(n).map_err(|_| Base45Error::Value { at })?;
        out.extend_from_slice(&n.to_be_bytes());
    }
    let at = whole;
    match text.len() - whole {
        0 => {}
        1 => return Err(Base45Error::Dangling { at }),
        _ => {
            let n = value(at)? + value(at + 1)? * 45;
            out.push(u8::try_from(n).map_err(|_| Base45Error::Value { at })?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_9285_examples() {
        for (bytes, text) in [
            (&b"AB"[..], "BB8"),
            (b"Hello!!", "%69 VD92EX0"),
            (b"base-45", "UJCLQE7W581"),
            (b"ietf!", "QED8WEX0"),
            (b"", ""),
        ] {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).unwrap(), bytes);
        }
    }

    #[test]
    fn refuses_what_the_rfc_refuses() {
        // 44 + 44*45 + 44*45*45 = 91124 > 65535.
        assert_eq!(decode(":::"), Err(Base45Error::Value { at: 0 }));
        assert_eq!(decode("GGW"), Err(Base45Error::Value { at: 0 }));
        // A final pair worth 44 + 44*45 = 2024 > 255.
        assert_eq!(decode("BB8::"), Err(Base45Error::Value { at: 3 }));
        assert_eq!(decode("BB8A"), Err(Base45Error::Dangling { at: 3 }));
        assert_eq!(
            decode("BB8a2"),
            Err(Base45Error::Character { at: 3, found: 'a' })
        );
        assert_eq!(
            decode("B~8"),
            Err(Base45Error::Character { at: 1, found: '~' })
        );
        assert!(decode("BBé").is_err());
        assert!(decode("FGW").is_ok(), "65535 is the largest three can hold");
        assert_eq!(decode("FGW").unwrap(), [0xff, 0xff]);
        assert_eq!(decode("U5").unwrap(), [0xff]);
        assert_eq!(decode("V5"), Err(Base45Error::Value { at: 0 }));
    }

    proptest! {
        #[test]
        fn round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            prop_assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn agrees_with_the_base45_crate(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let ours = encode(&bytes);
            prop_assert_eq!(&ours, &base45::encode(&bytes));
            prop_assert_eq!(base45::decode(&ours).unwrap(), bytes);
        }

        #[test]
        fn never_panics(text in "[0-9A-Z $%*+./:~a-z-]{0,40}") {
            if let Ok(bytes) = decode(&text) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }
    }
}
