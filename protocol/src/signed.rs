//! `Signed<T>`: the exact bytes of a `T`, the affiliate that signed them, and
//! an ed25519 signature over a domain-separation tag plus those bytes.
//!
//! Verification checks the signature with `verify_strict` before the bytes are
//! decoded, and nothing is ever re-encoded to be verified.

use crate::encoding;
use crate::error::{ProtocolError, Result};
use crate::id::{AffiliateId, Timestamp};
use crate::keys::{AffiliateSigningKey, PublicKey, SignatureBytes};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// A type that travels signed. Each kind has its own domain tag, so a signature
/// made for one kind can never be passed off as another.
pub trait SignedKind: Serialize + DeserializeOwned {
    /// Domain-separation tag, e.g. `unionfed/entry/v1`.
    const TAG: &'static str;
    /// What to call it in error messages.
    const WHAT: &'static str;
    /// Largest encoding accepted.
    const MAX_BYTES: usize;

    /// The affiliate that must have signed it.
    fn author(&self) -> &AffiliateId;
    /// When the author says it signed it; the signing key must be valid then.
    fn signed_at(&self) -> Timestamp;
    /// Rules the type cannot express, checked after decoding.
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

/// The message an ed25519 signature covers: one byte with the tag's length,
/// the tag's ASCII bytes, then the signed bytes.
pub fn signing_message(tag: &str, bytes: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(1 + tag.len() + bytes.len());
    // Tags are short constants of this crate, far under 256 bytes.
    message.push(tag.len() as u8);
    message.extend_from_slice(tag.as_bytes());
    message.extend_from_slice(bytes);
    message
}

/// The signing keys of the federation's affiliates, each with the period in
/// which it was valid. The charter is the usual source.
pub trait SigningKeys {
    /// Every key the affiliate has had, or `None` for an unknown affiliate.
    fn signing_keys(&self, affiliate: &AffiliateId) -> Option<&[KeyPeriod]>;
}

/// A signing key and the time it was valid: `valid_from` inclusive,
/// `valid_until` exclusive, `None` while it is current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPeriod {
    pub key: PublicKey,
    pub valid_from: Timestamp,
    pub valid_until: Option<Timestamp>,
}

impl KeyPeriod {
    pub fn covers(&self, at: Timestamp) -> bool {
        at >= self.valid_from && self.valid_until.is_none_or(|until| at < until)
    }
}

/// Signed bytes of a `T`.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Signed<T> {
    signer: AffiliateId,
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    signature: SignatureBytes,
    #[serde(skip)]
    kind: PhantomData<fn() -> T>,
}

impl<T: SignedKind> Signed<T> {
    /// Encodes `value` and signs it with the author's key.
    pub fn sign(value: &T, key: &AffiliateSigningKey) -> Result<Self> {
        value.check()?;
        let bytes = encoding::encode(T::WHAT, value)?;
        if bytes.len() > T::MAX_BYTES {
            return Err(ProtocolError::TooLarge {
                what: T::WHAT,
                len: bytes.len(),
                max: T::MAX_BYTES,
            });
        }
        let signature = key.sign_raw(&signing_message(T::TAG, &bytes));
        Ok(Signed {
            signer: value.author().clone(),
            bytes,
            signature,
            kind: PhantomData,
        })
    }

    /// Checks the signature under `key`, then decodes, then checks that the
    /// decoded author is the signer.
    pub fn verify_with(&self, key: &PublicKey) -> Result<T> {
        self.check_size()?;
        if !key.verify_strict_raw(&signing_message(T::TAG, &self.bytes), &self.signature) {
            return Err(ProtocolError::BadSignature {
                what: T::WHAT,
                signer: self.signer.clone(),
            });
        }
        self.decode_verified()
    }

    /// Checks the signature under whichever of the signer's keys made it, then
    /// decodes, then checks that the key was valid when the value was signed.
    pub fn verify(&self, keys: &impl SigningKeys) -> Result<T> {
        self.check_size()?;
        let periods =
            keys.signing_keys(&self.signer)
                .ok_or_else(|| ProtocolError::UnknownSigner {
                    what: T::WHAT,
                    signer: self.signer.clone(),
                })?;
        let message = signing_message(T::TAG, &self.bytes);
        let Some(period) = periods
            .iter()
            .find(|p| p.key.verify_strict_raw(&message, &self.signature))
        else {
            return Err(ProtocolError::BadSignature {
                what: T::WHAT,
                signer: self.signer.clone(),
            });
        };
        let value = self.decode_verified()?;
        let at = value.signed_at();
        if !period.covers(at) {
            return Err(ProtocolError::KeyNotValidAt {
                what: T::WHAT,
                signer: self.signer.clone(),
                at: at.secs(),
            });
        }
        Ok(value)
    }

    /// Decodes without checking the signature. Only for showing evidence that
    /// has already been verified, or for tools; never trust the result.
    pub fn decode_unverified(&self) -> Result<T> {
        self.check_size()?;
        self.decode_verified()
    }

    fn check_size(&self) -> Result<()> {
        if self.bytes.len() > T::MAX_BYTES {
            return Err(ProtocolError::TooLarge {
                what: T::WHAT,
                len: self.bytes.len(),
                max: T::MAX_BYTES,
            });
        }
        Ok(())
    }

    fn decode_verified(&self) -> Result<T> {
        let value: T = encoding::decode(T::WHAT, &self.bytes, T::MAX_BYTES)?;
        if value.author() != &self.signer {
            return Err(ProtocolError::SignerMismatch {
                what: T::WHAT,
                claimed: value.author().clone(),
                signer: self.signer.clone(),
            });
        }
        value.check()?;
        Ok(value)
    }
}

impl<T> Signed<T> {
    /// Puts together a signed value from its parts, e.g. from storage. Nothing
    /// is checked until [`Signed::verify`].
    pub fn from_parts(signer: AffiliateId, bytes: Vec<u8>, signature: SignatureBytes) -> Self {
        Signed {
            signer,
            bytes,
            signature,
            kind: PhantomData,
        }
    }

    pub fn signer(&self) -> &AffiliateId {
        &self.signer
    }

    /// The exact signed bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn signature(&self) -> &SignatureBytes {
        &self.signature
    }

    /// SHA-256 of the signed bytes.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(&self.bytes).into()
    }
}

impl<T> Clone for Signed<T> {
    fn clone(&self) -> Self {
        Signed {
            signer: self.signer.clone(),
            bytes: self.bytes.clone(),
            signature: self.signature,
            kind: PhantomData,
        }
    }
}

impl<T> PartialEq for Signed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.signer == other.signer
            && self.bytes == other.bytes
            && self.signature == other.signature
    }
}

impl<T> Eq for Signed<T> {}

impl<T> fmt::Debug for Signed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("kind", &std::any::type_name::<T>())
            .field("signer", &self.signer)
            .field("bytes", &self.bytes.len())
            .field("signature", &self.signature)
            .finish()
    }
}
