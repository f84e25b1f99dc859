//! The charter: the federation's membership, signed by its affiliates.
//!
//! Version 1 is valid when every listed affiliate has signed it. Version n+1 is
//! valid when at least `threshold` affiliates active in version n have signed
//! it, and a node adopts only the direct successor of the version it holds.

use crate::encoding::{self, check_text};
use crate::error::{ProtocolError, Result};
use crate::id::{AffiliateId, CountryCode, Timestamp};
use crate::keys::{AffiliateSigningKey, EncryptionPublicKey, SignatureBytes};
use crate::limits::{
    MAX_AFFILIATES, MAX_CHARTER_BYTES, MAX_KEYS_PER_AFFILIATE, MAX_NAME_BYTES,
    MAX_NODES_PER_AFFILIATE,
};
use crate::node_record::{NodeRecord, SignedNodeRecord};
use crate::signed::{signing_message, KeyPeriod, SigningKeys};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Domain tag of charter signatures.
pub const CHARTER_TAG: &str = "unionfed/charter/v1";

/// Whether an affiliate takes part: only active affiliates' signatures count
/// and only active affiliates' peers may connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AffiliateStatus {
    Active,
    Suspended,
}

/// One affiliate as the charter lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharterAffiliate {
    pub id: AffiliateId,
    pub name: String,
    pub country: CountryCode,
    pub status: AffiliateStatus,
    /// Every signing key the affiliate has had, with its validity period, so
    /// that what a retired key signed while it was valid keeps verifying.
    pub signing_keys: Vec<KeyPeriod>,
    /// The encryption key in force until a newer node record names another.
    pub encryption_key: EncryptionPublicKey,
    pub nodes: Vec<SignedNodeRecord>,
}

impl CharterAffiliate {
    /// The node records, verified under this affiliate's keys.
    pub fn node_records(&self) -> Result<Vec<NodeRecord>> {
        let keys = OneAffiliate(self);
        self.nodes.iter().map(|n| n.verify(&keys)).collect()
    }

    /// The key to seal handoffs to at `at`: the current node record's, or the
    /// charter's when no node record is in force.
    pub fn encryption_key_at(&self, at: Timestamp) -> Result<EncryptionPublicKey> {
        let records = self.node_records()?;
        Ok(NodeRecord::current(&records, at).map_or(self.encryption_key, |r| r.encryption_key))
    }
}

struct OneAffiliate<'a>(&'a CharterAffiliate);

impl SigningKeys for OneAffiliate<'_> {
    fn signing_keys(&self, affiliate: &AffiliateId) -> Option<&[KeyPeriod]> {
        (affiliate == &self.0.id).then_some(self.0.signing_keys.as_slice())
    }
}

/// The federation's membership at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charter {
    pub federation: String,
    pub version: u32,
    /// SHA-256 of the previous version's bytes; `None` exactly for version 1.
    #[serde(with = "opt_hash")]
    pub previous: Option<[u8; 32]>,
    /// Signatures of affiliates active in this version that the next version needs.
    pub threshold: u16,
    pub issued_at: Timestamp,
    pub affiliates: Vec<CharterAffiliate>,
}

mod opt_hash {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Hash(#[serde(with = "crate::bytes")] [u8; 32]);

    pub(super) fn serialize<S: Serializer>(v: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        v.map(Hash).serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<[u8; 32]>, D::Error> {
        Ok(Option::<Hash>::deserialize(d)?.map(|h| h.0))
    }
}

impl SigningKeys for Charter {
    fn signing_keys(&self, affiliate: &AffiliateId) -> Option<&[KeyPeriod]> {
        self.affiliate(affiliate).map(|a| a.signing_keys.as_slice())
    }
}

impl Charter {
    pub fn affiliate(&self, id: &AffiliateId) -> Option<&CharterAffiliate> {
        self.affiliates.iter().find(|a| &a.id == id)
    }

    pub fn active_affiliates(&self) -> impl Iterator<Item = &CharterAffiliate> {
        self.affiliates
            .iter()
            .filter(|a| a.status == AffiliateStatus::Active)
    }

    /// Rules of a well-formed charter, whoever signed it.
    pub fn check(&self) -> Result<()> {
        let bad = |detail: String| Err(ProtocolError::invalid("charter", detail));
        check_text("federation name", &self.federation, MAX_NAME_BYTES)?;
        if self.version == 0 {
            return bad("versions start at 1".into());
        }
        if (self.version == 1) != self.previous.is_none() {
            return bad(format!(
                "v{} {} name a previous version",
                self.version,
                if self.version == 1 {
                    "must not"
                } else {
                    "must"
                }
            ));
        }
        if self.affiliates.is_empty() || self.affiliates.len() > MAX_AFFILIATES {
            return bad(format!(
                "lists {} affiliates; a charter lists 1 to {MAX_AFFILIATES}",
                self.affiliates.len()
            ));
        }
        let mut seen = BTreeSet::new();
        for a in &self.affiliates {
            if !seen.insert(&a.id) {
                return bad(format!("lists {} twice", a.id));
            }
            check_text("affiliate name", &a.name, MAX_NAME_BYTES)?;
            if a.signing_keys.is_empty() || a.signing_keys.len() > MAX_KEYS_PER_AFFILIATE {
                return bad(format!(
                    "{} has {} signing keys; list 1 to {MAX_KEYS_PER_AFFILIATE}",
                    a.id,
                    a.signing_keys.len()
                ));
            }
            if a.nodes.len() > MAX_NODES_PER_AFFILIATE {
                return bad(format!(
                    "{} has {} node records; at most {MAX_NODES_PER_AFFILIATE}",
                    a.id,
                    a.nodes.len()
                ));
            }
            a.node_records()?;
        }
        let active = self.active_affiliates().count();
        if self.threshold == 0 || usize::from(self.threshold) > active {
            return bad(format!(
                "threshold {} must be between 1 and the {active} active affiliates",
                self.threshold
            ));
        }
        Ok(())
    }
}

/// A charter signature by one affiliate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharterSigner {
    pub affiliate: AffiliateId,
    pub signature: SignatureBytes,
}

/// A charter's exact bytes and the signatures collected on them so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharterDocument {
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    pub signatures: Vec<CharterSigner>,
}

impl CharterDocument {
    /// A draft with no signatures yet.
    pub fn draft(charter: &Charter) -> Result<Self> {
        charter.check()?;
        let bytes = encoding::encode("charter", charter)?;
        if bytes.len() > MAX_CHARTER_BYTES {
            return Err(ProtocolError::TooLarge {
                what: "charter",
                len: bytes.len(),
                max: MAX_CHARTER_BYTES,
            });
        }
        Ok(CharterDocument {
            bytes,
            signatures: Vec::new(),
        })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes of a charter file (`.ufc`): this document, postcard.
    pub fn to_file(&self) -> Result<Vec<u8>> {
        encoding::encode("charter file", self)
    }

    /// Reads a charter file; says nothing about the charter inside.
    pub fn from_file(bytes: &[u8]) -> Result<Self> {
        // The charter and one signature per affiliate, with room to spare.
        let max = MAX_CHARTER_BYTES + MAX_AFFILIATES * 128 + 64;
        encoding::decode("charter file", bytes, max)
    }

    /// SHA-256 of the charter bytes: what the next version names as `previous`.
    pub fn hash(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(&self.bytes).into()
    }

    /// Decodes and checks the structure; says nothing about signatures.
    pub fn charter(&self) -> Result<Charter> {
        let charter: Charter = encoding::decode("charter", &self.bytes, MAX_CHARTER_BYTES)?;
        charter.check()?;
        Ok(charter)
    }

    /// The signature `key` makes on this charter.
    pub fn signature_by(&self, key: &AffiliateSigningKey) -> SignatureBytes {
        key.sign_raw(&signing_message(CHARTER_TAG, &self.bytes))
    }

    /// Signs as `affiliate`, replacing an earlier signature of theirs.
    pub fn sign(&mut self, affiliate: &AffiliateId, key: &AffiliateSigningKey) {
        let signature = self.signature_by(key);
        self.add_signature(affiliate.clone(), signature);
    }

    /// Adds a signature made elsewhere (e.g. from a charter-signature entry),
    /// replacing an earlier one by the same affiliate. It is checked when the
    /// charter is verified.
    pub fn add_signature(&mut self, affiliate: AffiliateId, signature: SignatureBytes) {
        self.signatures.retain(|s| s.affiliate != affiliate);
        self.signatures.push(CharterSigner {
            affiliate,
            signature,
        });
    }

    /// Checks version 1: every listed affiliate has signed it with a key the
    /// charter itself lists for them. (A genesis charter vouches for itself;
    /// operators compare its hash out of band.)
    pub fn verify_genesis(&self) -> Result<Charter> {
        let charter = self.charter()?;
        if charter.version != 1 {
            return Err(ProtocolError::invalid(
                "genesis charter",
                format!("is v{}; a federation starts from v1", charter.version),
            ));
        }
        let required: Vec<&AffiliateId> = charter.affiliates.iter().map(|a| &a.id).collect();
        self.count_signatures(&charter, &required, charter.issued_at, required.len(), 1)?;
        Ok(charter)
    }

    /// Checks that this is the direct successor of `held` (whose bytes hash to
    /// `held_hash`) and is signed by `held.threshold` affiliates active in it.
    pub fn verify_successor(&self, held: &Charter, held_hash: &[u8; 32]) -> Result<Charter> {
        let next = self.charter()?;
        let expected = held.version.saturating_add(1);
        if next.version != expected {
            return Err(ProtocolError::CharterNotNext {
                offered: next.version,
                held: held.version,
                expected,
            });
        }
        if next.previous.as_ref() != Some(held_hash) {
            return Err(ProtocolError::CharterPredecessor {
                version: next.version,
                held: held.version,
            });
        }
        let required: Vec<&AffiliateId> = held.active_affiliates().map(|a| &a.id).collect();
        self.count_signatures(
            held,
            &required,
            next.issued_at,
            usize::from(held.threshold),
            next.version,
        )?;
        Ok(next)
    }

    /// Counts distinct affiliates in `required` whose signature verifies under
    /// a key `keys` lists for them as valid at `at`; fails below `need`.
    fn count_signatures(
        &self,
        keys: &Charter,
        required: &[&AffiliateId],
        at: Timestamp,
        need: usize,
        version: u32,
    ) -> Result<()> {
        let message = signing_message(CHARTER_TAG, &self.bytes);
        let signed: BTreeSet<&AffiliateId> = self
            .signatures
            .iter()
            .filter(|s| required.contains(&&s.affiliate))
            .filter(|s| {
                keys.signing_keys(&s.affiliate).is_some_and(|periods| {
                    periods
                        .iter()
                        .any(|p| p.covers(at) && p.key.verify_strict_raw(&message, &s.signature))
                })
            })
            .map(|s| &s.affiliate)
            .collect();
        if signed.len() >= need {
            return Ok(());
        }
        let missing: Vec<&str> = required
            .iter()
            .filter(|id| !signed.contains(**id))
            .map(|id| id.as_str())
            .collect();
        Err(ProtocolError::CharterThreshold {
            version,
            have: signed.len(),
            need,
            missing: missing.join(", "),
        })
    }
}
