//! Log entries: what each affiliate appends to its own log and every node
//! replicates. No entry type has a field for personal data.

use crate::encoding;
use crate::error::{ProtocolError, Result};
use crate::id::{AffiliateId, EntryHash, MemberId, Seq, Timestamp};
use crate::keys::SignatureBytes;
use crate::limits::{MAX_BODY_BYTES, MAX_ENTRY_BYTES};
use crate::signed::{Signed, SignedKind, SigningKeys};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One entry in an author's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub author: AffiliateId,
    pub seq: Seq,
    /// Hash of the author's previous entry; `None` exactly when `seq` is 1.
    pub prev: Option<EntryHash>,
    pub time: Timestamp,
    pub body: Body,
}

pub type SignedEntry = Signed<Entry>;

impl SignedKind for Entry {
    const TAG: &'static str = "unionfed/entry/v1";
    const WHAT: &'static str = "log entry";
    const MAX_BYTES: usize = MAX_ENTRY_BYTES;

    fn author(&self) -> &AffiliateId {
        &self.author
    }

    fn signed_at(&self) -> Timestamp {
        self.time
    }

    fn check(&self) -> Result<()> {
        match (self.seq == Seq::FIRST, self.prev.is_some()) {
            (true, true) => Err(ProtocolError::invalid(
                "log entry",
                "the first entry of a log cannot name a previous entry",
            )),
            (false, false) => Err(ProtocolError::invalid(
                "log entry",
                format!("entry #{} must name its previous entry", self.seq),
            )),
            _ => Ok(()),
        }
    }
}

impl Signed<Entry> {
    /// The hash the next entry names as `prev`.
    pub fn hash(&self) -> EntryHash {
        EntryHash(self.digest())
    }
}

/// A membership's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Active,
    Suspended,
    Lapsed,
    Revoked,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Suspended => "suspended",
            MemberStatus::Lapsed => "lapsed",
            MemberStatus::Revoked => "revoked",
        }
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for MemberStatus {
    type Err = ProtocolError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "active" => Ok(MemberStatus::Active),
            "suspended" => Ok(MemberStatus::Suspended),
            "lapsed" => Ok(MemberStatus::Lapsed),
            "revoked" => Ok(MemberStatus::Revoked),
            _ => Err(ProtocolError::invalid(
                "member status",
                format!("{s:?}; use active, suspended, lapsed or revoked"),
            )),
        }
    }
}

/// A salted SHA-256 of a card's holder fields (see [`crate::card::holder_commitment`]).
/// Without the salt, which lives only on the card and at home, it reveals nothing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HolderCommitment(#[serde(with = "crate::bytes")] pub [u8; 32]);

impl fmt::Debug for HolderCommitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HolderCommitment({})", hex::encode(self.0))
    }
}

/// The issuing affiliate's statement about one of its members. The latest
/// attestation for `(author, member)` wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipAttestation {
    pub member: MemberId,
    pub status: MemberStatus,
    pub member_since: Timestamp,
    pub valid_until: Timestamp,
    pub holder_commitment: HolderCommitment,
}

/// The author (a destination affiliate) commits to represent a member of
/// `home` from `from` until `until` (open-ended when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentationCommitment {
    pub member: MemberId,
    pub home: AffiliateId,
    pub from: Timestamp,
    pub until: Option<Timestamp>,
}

/// Why a representation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepresentationEndReason {
    ReturnedHome,
    MovedOn,
    MembershipMoved,
    ConsentWithdrawn,
    Expired,
    Other,
}

/// Ends a representation; either the representing affiliate or the home
/// affiliate may author it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentationEnd {
    pub member: MemberId,
    pub home: AffiliateId,
    pub representing: AffiliateId,
    pub ended: Timestamp,
    pub reason: RepresentationEndReason,
}

/// The author's signature on a charter version, carried in its log so that it
/// spreads like any entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharterSignature {
    pub version: u32,
    #[serde(with = "crate::bytes")]
    pub charter_hash: [u8; 32],
    pub signature: SignatureBytes,
}

/// The issuer erased a member's personal data at the member's request. It
/// follows the attestation that revoked the membership (`revoked_at`, in
/// the same author's log), so that a card check can say why the card
/// fails. A node that does not know this kind still has the revocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberErasure {
    pub member: MemberId,
    pub revoked_at: Seq,
}

/// What an entry says. Kinds this build does not know are kept as bytes,
/// stored and relayed, so older nodes never block newer ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Attestation(MembershipAttestation),
    Representation(RepresentationCommitment),
    RepresentationEnd(RepresentationEnd),
    CharterSignature(CharterSignature),
    MemberErasure(MemberErasure),
    Unknown { kind: u16, payload: Vec<u8> },
}

/// Body kind numbers on the wire.
pub mod body_kind {
    pub const ATTESTATION: u16 = 1;
    pub const REPRESENTATION: u16 = 2;
    pub const REPRESENTATION_END: u16 = 3;
    pub const CHARTER_SIGNATURE: u16 = 4;
    pub const MEMBER_ERASURE: u16 = 5;
}

#[derive(Serialize, Deserialize)]
struct RawBody {
    kind: u16,
    #[serde(with = "serde_bytes")]
    payload: Vec<u8>,
}

impl Body {
    pub fn kind(&self) -> u16 {
        match self {
            Body::Attestation(_) => body_kind::ATTESTATION,
            Body::Representation(_) => body_kind::REPRESENTATION,
            Body::RepresentationEnd(_) => body_kind::REPRESENTATION_END,
            Body::CharterSignature(_) => body_kind::CHARTER_SIGNATURE,
            Body::MemberErasure(_) => body_kind::MEMBER_ERASURE,
            Body::Unknown { kind, .. } => *kind,
        }
    }

    fn to_raw(&self) -> Result<RawBody> {
        const WHAT: &str = "entry body";
        let payload = match self {
            Body::Attestation(b) => encoding::encode(WHAT, b)?,
            Body::Representation(b) => encoding::encode(WHAT, b)?,
            Body::RepresentationEnd(b) => encoding::encode(WHAT, b)?,
            Body::CharterSignature(b) => encoding::encode(WHAT, b)?,
            Body::MemberErasure(b) => encoding::encode(WHAT, b)?,
            Body::Unknown { payload, .. } => payload.clone(),
        };
        Ok(RawBody {
            kind: self.kind(),
            payload,
        })
    }

    fn from_raw(raw: RawBody) -> Result<Body> {
        const MAX: usize = MAX_BODY_BYTES;
        Ok(match raw.kind {
            body_kind::ATTESTATION => Body::Attestation(encoding::decode(
                "membership attestation",
                &raw.payload,
                MAX,
            )?),
            body_kind::REPRESENTATION => Body::Representation(encoding::decode(
                "representation commitment",
                &raw.payload,
                MAX,
            )?),
            body_kind::REPRESENTATION_END => {
                Body::RepresentationEnd(encoding::decode("representation end", &raw.payload, MAX)?)
            }
            body_kind::CHARTER_SIGNATURE => {
                Body::CharterSignature(encoding::decode("charter signature", &raw.payload, MAX)?)
            }
            body_kind::MEMBER_ERASURE => {
                Body::MemberErasure(encoding::decode("member erasure", &raw.payload, MAX)?)
            }
            kind => Body::Unknown {
                kind,
                payload: raw.payload,
            },
        })
    }
}

impl Serialize for Body {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.to_raw()
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let raw = RawBody::deserialize(deserializer)?;
        Body::from_raw(raw).map_err(serde::de::Error::custom)
    }
}

/// The last contiguous entry held for an author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: Seq,
    pub hash: EntryHash,
}

/// Checks that `entry` (with hash `hash`) extends the log whose last entry is
/// `head` (or starts it, when `head` is `None`), and returns the new head.
pub fn extend_chain(head: Option<&Head>, entry: &Entry, hash: EntryHash) -> Result<Head> {
    let expected = match head {
        Some(h) => h.seq.next()?,
        None => Seq::FIRST,
    };
    if entry.seq != expected {
        return Err(ProtocolError::SeqGap {
            author: entry.author.clone(),
            seq: entry.seq.get(),
            head: head.map_or(0, |h| h.seq.get()),
        });
    }
    if entry.prev != head.map(|h| h.hash) {
        return Err(ProtocolError::PrevMismatch {
            author: entry.author.clone(),
            seq: entry.seq.get(),
            prev_seq: head.map_or(0, |h| h.seq.get()),
        });
    }
    Ok(Head {
        seq: entry.seq,
        hash,
    })
}

/// Proof that an author signed two different entries with the same sequence
/// number. Anyone holding the charter can check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Equivocation {
    pub first: SignedEntry,
    pub second: SignedEntry,
}

impl Equivocation {
    /// `Some` when `a` and `b` both verify, share author and sequence number,
    /// and differ; `None` when they are the same entry or different positions.
    pub fn detect(
        a: &SignedEntry,
        b: &SignedEntry,
        keys: &impl SigningKeys,
    ) -> Result<Option<Equivocation>> {
        let (ea, eb) = (a.verify(keys)?, b.verify(keys)?);
        if ea.author != eb.author || ea.seq != eb.seq || a.bytes() == b.bytes() {
            return Ok(None);
        }
        Ok(Some(Equivocation {
            first: a.clone(),
            second: b.clone(),
        }))
    }

    /// Re-checks the evidence, e.g. when it arrives from a peer.
    pub fn verify(&self, keys: &impl SigningKeys) -> Result<(AffiliateId, Seq)> {
        match Equivocation::detect(&self.first, &self.second, keys)? {
            Some(_) => {
                let e = self.first.verify(keys)?;
                Ok((e.author, e.seq))
            }
            None => Err(ProtocolError::invalid(
                "equivocation evidence",
                "the two entries are not different entries at the same position",
            )),
        }
    }
}
