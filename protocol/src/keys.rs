//! Affiliate signing keys (ed25519) and encryption keys (X25519).
//!
//! Secret keys zeroize on drop and never print in `Debug`.

use crate::error::{ProtocolError, Result};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use std::fmt;
use zeroize::Zeroizing;

/// An affiliate's long-lived signing key. It signs log entries, node records,
/// charters, cards, handoff envelopes and receipts.
pub struct AffiliateSigningKey(SigningKey);

impl AffiliateSigningKey {
    pub fn generate() -> Self {
        AffiliateSigningKey(SigningKey::generate(&mut OsRng))
    }

    /// The key from its 32-byte RFC 8032 secret seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        AffiliateSigningKey(SigningKey::from_bytes(seed))
    }

    /// The 32-byte secret seed, for writing to the node's key file.
    pub fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `message` as is. Callers sign domain-separated messages only; see
    /// [`crate::signed::signing_message`].
    pub(crate) fn sign_raw(&self, message: &[u8]) -> SignatureBytes {
        SignatureBytes(self.0.sign(message).to_bytes())
    }
}

impl fmt::Debug for AffiliateSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AffiliateSigningKey(public {}, secret redacted)",
            self.public()
        )
    }
}

/// An ed25519 public key that is a valid, non-weak curve point.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "KeyBytes", into = "KeyBytes")]
pub struct PublicKey(VerifyingKey);

#[derive(Serialize, Deserialize)]
struct KeyBytes(#[serde(with = "crate::bytes")] [u8; 32]);

impl PublicKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| {
            ProtocolError::invalid("signing public key", "not a point on the ed25519 curve")
        })?;
        if key.is_weak() {
            return Err(ProtocolError::invalid(
                "signing public key",
                "a small-order point, which anyone could forge signatures for",
            ));
        }
        Ok(PublicKey(key))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Strict RFC 8032 verification of `signature` over exactly `message`.
    /// Protocol objects are verified through [`crate::Signed`], which adds the
    /// domain tag; this is the bare primitive, for test vectors and COSE.
    pub fn verify_strict_raw(&self, message: &[u8], signature: &SignatureBytes) -> bool {
        let sig = ed25519_dalek::Signature::from_bytes(&signature.0);
        self.0.verify_strict(message, &sig).is_ok()
    }

    /// An 8-byte key id (the first bytes of SHA-256 of the key), as COSE `kid`.
    pub fn key_id(&self) -> [u8; 8] {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.0.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        id
    }
}

impl TryFrom<KeyBytes> for PublicKey {
    type Error = ProtocolError;
    fn try_from(k: KeyBytes) -> Result<Self> {
        PublicKey::from_bytes(&k.0)
    }
}

impl From<PublicKey> for KeyBytes {
    fn from(k: PublicKey) -> KeyBytes {
        KeyBytes(k.to_bytes())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", hex::encode(self.0.as_bytes()))
    }
}

/// The 64 bytes of an ed25519 signature, not yet checked.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SignatureBytes(#[serde(with = "crate::bytes")] pub [u8; 64]);

impl fmt::Debug for SignatureBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({}..)", &hex::encode(self.0)[..16])
    }
}

/// An affiliate's X25519 secret key: handoffs are sealed to its public half.
pub struct EncryptionSecretKey(x25519_dalek::StaticSecret);

impl EncryptionSecretKey {
    pub fn generate() -> Self {
        EncryptionSecretKey(x25519_dalek::StaticSecret::random_from_rng(OsRng))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        EncryptionSecretKey(x25519_dalek::StaticSecret::from(bytes))
    }

    /// The 32 secret bytes, for writing to the node's key file.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    pub fn public(&self) -> EncryptionPublicKey {
        EncryptionPublicKey(x25519_dalek::PublicKey::from(&self.0).to_bytes())
    }
}

impl fmt::Debug for EncryptionSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EncryptionSecretKey(public {}, secret redacted)",
            self.public()
        )
    }
}

/// An affiliate's X25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EncryptionPublicKey(#[serde(with = "crate::bytes")] pub [u8; 32]);

impl fmt::Display for EncryptionPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for EncryptionPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionPublicKey({})", hex::encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_secret_bytes() {
        let signing = AffiliateSigningKey::generate();
        let printed = format!("{signing:?}");
        assert!(printed.contains("redacted"));
        assert!(!printed.contains(&hex::encode(*signing.seed())));

        let enc = EncryptionSecretKey::generate();
        let printed = format!("{enc:?}");
        assert!(!printed.contains(&hex::encode(*enc.to_bytes())));
    }

    #[test]
    fn keys_round_trip_through_their_bytes() {
        let signing = AffiliateSigningKey::generate();
        assert_eq!(
            AffiliateSigningKey::from_seed(&signing.seed()).public(),
            signing.public()
        );
        let enc = EncryptionSecretKey::generate();
        assert_eq!(
            EncryptionSecretKey::from_bytes(*enc.to_bytes()).public(),
            enc.public()
        );
    }

    #[test]
    fn small_order_public_keys_are_refused() {
        // The identity point: anyone can "sign" for it.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(PublicKey::from_bytes(&identity).is_err());
    }
}
