//! Handoffs: point-to-point, encrypted, receipted.
//!
//! The payload is sealed with HPKE base mode (RFC 9180; X25519-HKDF-SHA256,
//! HKDF-SHA256, ChaCha20-Poly1305) to the recipient's encryption key, with the
//! handoff id, sender, recipient and kind bound as associated data. The sealed
//! handoff travels inside an envelope signed by the sender; the recipient
//! answers with a signed [`Receipt`] once the handoff is on its disk.

use crate::encoding;
use crate::error::{ProtocolError, Result};
use crate::id::{AffiliateId, HandoffId, Timestamp};
use crate::keys::{AffiliateSigningKey, EncryptionPublicKey, EncryptionSecretKey};
use crate::limits::{MAX_HANDOFF_MESSAGE_BYTES, MAX_HANDOFF_PLAINTEXT_BYTES, MAX_RECEIPT_BYTES};
use crate::signed::{signing_message, Signed, SignedKind};
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// HPKE `info` for every handoff.
pub const HANDOFF_INFO: &[u8] = b"unionfed/handoff/v1";
/// Domain tag of the associated data.
pub const HANDOFF_AAD_TAG: &str = "unionfed/handoff-aad/v1";

/// What a handoff carries. A number, so that kinds added later are stored
/// and receipted by nodes that cannot act on them yet.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HandoffKind(pub u16);

impl HandoffKind {
    pub const MEMBER_TRANSFER: HandoffKind = HandoffKind(1);
    pub const TRANSFER_REQUEST: HandoffKind = HandoffKind(2);
    pub const TRANSFER_DECISION: HandoffKind = HandoffKind(3);
    pub const REPRESENTATION_END: HandoffKind = HandoffKind(4);
    pub const CONSENT_WITHDRAWAL: HandoffKind = HandoffKind(5);
    pub const CASE_REFERRAL: HandoffKind = HandoffKind(6);
    pub const CASE_STATUS_UPDATE: HandoffKind = HandoffKind(7);
    pub const CASE_CHANGE: HandoffKind = HandoffKind(8);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "member transfer",
            2 => "transfer request",
            3 => "transfer decision",
            4 => "representation end",
            5 => "consent withdrawal",
            6 => "case referral",
            7 => "case status update",
            8 => "case change",
            _ => "unknown kind",
        }
    }
}

impl fmt::Debug for HandoffKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

/// A sealed handoff. Anyone can relay it; only the recipient can open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub id: HandoffId,
    pub sender: AffiliateId,
    pub recipient: AffiliateId,
    pub kind: HandoffKind,
    pub created_at: Timestamp,
    /// HPKE encapsulated key (the sender's ephemeral X25519 public key).
    #[serde(with = "crate::bytes")]
    pub enc: [u8; 32],
    /// ChaCha20-Poly1305 ciphertext with its 16-byte tag.
    #[serde(with = "serde_bytes")]
    pub ciphertext: Vec<u8>,
}

pub type SignedHandoff = Signed<Handoff>;

impl SignedKind for Handoff {
    const TAG: &'static str = "unionfed/handoff/v1";
    const WHAT: &'static str = "handoff";
    const MAX_BYTES: usize = MAX_HANDOFF_MESSAGE_BYTES - 1024;

    fn author(&self) -> &AffiliateId {
        &self.sender
    }

    fn signed_at(&self) -> Timestamp {
        self.created_at
    }
}

#[derive(Serialize)]
struct AadFields<'a> {
    id: &'a HandoffId,
    sender: &'a AffiliateId,
    recipient: &'a AffiliateId,
    kind: HandoffKind,
}

fn associated_data(
    id: &HandoffId,
    sender: &AffiliateId,
    recipient: &AffiliateId,
    kind: HandoffKind,
) -> Result<Vec<u8>> {
    let fields = encoding::encode(
        "handoff associated data",
        &AadFields {
            id,
            sender,
            recipient,
            kind,
        },
    )?;
    Ok(signing_message(HANDOFF_AAD_TAG, &fields))
}

/// What to seal and to whom.
#[derive(Debug)]
pub struct HandoffSeal<'a> {
    pub id: HandoffId,
    pub sender: AffiliateId,
    pub recipient: AffiliateId,
    pub kind: HandoffKind,
    pub created_at: Timestamp,
    pub recipient_key: &'a EncryptionPublicKey,
    pub plaintext: &'a [u8],
}

impl HandoffSeal<'_> {
    /// Seals the plaintext to the recipient and signs the envelope.
    pub fn seal(self, sender_key: &AffiliateSigningKey) -> Result<SignedHandoff> {
        if self.plaintext.len() > MAX_HANDOFF_PLAINTEXT_BYTES {
            return Err(ProtocolError::TooLarge {
                what: "handoff payload",
                len: self.plaintext.len(),
                max: MAX_HANDOFF_PLAINTEXT_BYTES,
            });
        }
        let aad = associated_data(&self.id, &self.sender, &self.recipient, self.kind)?;
        let (enc, ciphertext) = hpke_seal(self.recipient_key, HANDOFF_INFO, &aad, self.plaintext)?;
        Signed::sign(
            &Handoff {
                id: self.id,
                sender: self.sender,
                recipient: self.recipient,
                kind: self.kind,
                created_at: self.created_at,
                enc,
                ciphertext,
            },
            sender_key,
        )
    }
}

impl Handoff {
    /// Opens a handoff (whose envelope has been verified) addressed to `us`.
    pub fn open(&self, us: &AffiliateId, key: &EncryptionSecretKey) -> Result<Vec<u8>> {
        if &self.recipient != us {
            return Err(ProtocolError::HandoffNotForUs {
                id: self.id.to_string(),
                recipient: self.recipient.clone(),
                us: us.clone(),
            });
        }
        let aad = associated_data(&self.id, &self.sender, &self.recipient, self.kind)?;
        hpke_open(key, &self.enc, HANDOFF_INFO, &aad, &self.ciphertext).map_err(|_| {
            ProtocolError::HandoffOpen {
                id: self.id.to_string(),
            }
        })
    }
}

/// HPKE base-mode single-shot seal with the unionfed suite.
pub fn hpke_seal(
    recipient: &EncryptionPublicKey,
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<([u8; 32], Vec<u8>)> {
    let seal_error = |detail: String| ProtocolError::HandoffSeal { detail };
    let pk = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(&recipient.0)
        .map_err(|e| seal_error(format!("recipient key: {e}")))?;
    let (enc, ciphertext) = hpke::single_shot_seal::<
        ChaCha20Poly1305,
        HkdfSha256,
        X25519HkdfSha256,
        _,
    >(&OpModeS::Base, &pk, info, plaintext, aad, &mut OsRng)
    .map_err(|e| seal_error(e.to_string()))?;
    let enc: [u8; 32] = enc
        .to_bytes()
        .as_slice()
        .try_into()
        .map_err(|_| seal_error("encapsulated key is not 32 bytes".into()))?;
    Ok((enc, ciphertext))
}

/// HPKE base-mode single-shot open with the unionfed suite.
pub fn hpke_open(
    key: &EncryptionSecretKey,
    enc: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> std::result::Result<Vec<u8>, hpke::HpkeError> {
    let sk = <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(key.to_bytes().as_slice())?;
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc)?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &sk,
        &enc,
        info,
        ciphertext,
        aad,
    )
}

/// The recipient's signed statement that a handoff is on its disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub handoff: HandoffId,
    pub sender: AffiliateId,
    pub recipient: AffiliateId,
    /// SHA-256 of the handoff's signed bytes, so the receipt names one envelope.
    #[serde(with = "crate::bytes")]
    pub envelope_hash: [u8; 32],
    pub received_at: Timestamp,
}

pub type SignedReceipt = Signed<Receipt>;

impl SignedKind for Receipt {
    const TAG: &'static str = "unionfed/receipt/v1";
    const WHAT: &'static str = "handoff receipt";
    const MAX_BYTES: usize = MAX_RECEIPT_BYTES;

    fn author(&self) -> &AffiliateId {
        &self.recipient
    }

    fn signed_at(&self) -> Timestamp {
        self.received_at
    }
}

impl Receipt {
    /// The receipt for `handoff`, received at `at`.
    pub fn for_handoff(handoff: &SignedHandoff, envelope: &Handoff, at: Timestamp) -> Receipt {
        Receipt {
            handoff: envelope.id,
            sender: envelope.sender.clone(),
            recipient: envelope.recipient.clone(),
            envelope_hash: handoff.digest(),
            received_at: at,
        }
    }

    /// Whether this receipt acknowledges exactly `handoff`.
    pub fn acknowledges(&self, handoff: &SignedHandoff, envelope: &Handoff) -> bool {
        self.handoff == envelope.id
            && self.sender == envelope.sender
            && self.recipient == envelope.recipient
            && self.envelope_hash == handoff.digest()
    }
}
