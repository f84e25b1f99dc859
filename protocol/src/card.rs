//! The membership card: a COSE_Sign1 (RFC 9052, EdDSA) over CWT claims
//! (RFC 8392), zlib-compressed and base45-encoded (RFC 9285) behind `UF1:`,
//! the way the EU digital COVID certificate packs its QR payload.

use crate::entry::{HolderCommitment, MemberStatus, MembershipAttestation};
use crate::error::{ProtocolError, Result};
use crate::id::{AffiliateId, MemberId, Timestamp};
use crate::keys::{AffiliateSigningKey, SignatureBytes};
use crate::limits::{MAX_CARD_CHARS, MAX_CARD_COSE_BYTES, MAX_HOLDER_NAME_BYTES, MAX_REPRESENTING};
use crate::signed::SigningKeys;
use coset::cbor::value::Value;
use coset::cwt::{ClaimName, ClaimsSet, Timestamp as CwtTime};
use coset::{
    iana, CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable,
};
use miniz_oxide::inflate::TINFLStatus;
use sha2::{Digest, Sha256};
use std::io::Write;

/// Every card string starts with this.
pub const CARD_PREFIX: &str = "UF1:";
/// Private-use CWT claim keys (RFC 8392 section 9.1: below -65536).
pub const CLAIM_HOLDER_NAME: i64 = -70_001;
pub const CLAIM_HOLDER_SALT: i64 = -70_002;
pub const CLAIM_REPRESENTING: i64 = -70_003;
/// Until when the membership ran when the card was issued (seconds); a
/// later attestation that runs longer means the membership was renewed.
/// Optional: cards of release 0.1 lack it, and verifiers that do not
/// know it ignore it.
pub const CLAIM_MEMBERSHIP_VALID_UNTIL: i64 = -70_004;
/// Domain tag of the holder commitment.
pub const HOLDER_COMMITMENT_TAG: &str = "unionfed/holder/v1";

/// What a card says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardClaims {
    pub issuer: AffiliateId,
    pub member: MemberId,
    pub holder_name: String,
    pub salt: [u8; 16],
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    /// Affiliates representing the member when the card was issued.
    pub representing: Vec<AffiliateId>,
    /// Until when the membership ran when the card was issued.
    pub membership_valid_until: Option<Timestamp>,
}

/// The salted hash that attestations carry instead of the holder's name:
/// SHA-256 of `"unionfed/holder/v1" 0x00 salt(16) issuer 0x00 member(16) name`.
pub fn holder_commitment(
    issuer: &AffiliateId,
    member: &MemberId,
    salt: &[u8; 16],
    holder_name: &str,
) -> HolderCommitment {
    let mut h = Sha256::new();
    h.update(HOLDER_COMMITMENT_TAG.as_bytes());
    h.update([0u8]);
    h.update(salt);
    h.update(issuer.as_str().as_bytes());
    h.update([0u8]);
    h.update(member.as_bytes());
    h.update(holder_name.as_bytes());
    HolderCommitment(h.finalize().into())
}

impl CardClaims {
    pub fn holder_commitment(&self) -> HolderCommitment {
        holder_commitment(&self.issuer, &self.member, &self.salt, &self.holder_name)
    }

    fn check(&self) -> Result<()> {
        if self.holder_name.trim().is_empty() {
            return Err(ProtocolError::CardClaim {
                claim: "holder name",
            });
        }
        crate::encoding::check_text("holder name", &self.holder_name, MAX_HOLDER_NAME_BYTES)?;
        if self.representing.len() > MAX_REPRESENTING {
            return Err(ProtocolError::TooLarge {
                what: "card representing list",
                len: self.representing.len(),
                max: MAX_REPRESENTING,
            });
        }
        if self.expires_at <= self.issued_at {
            return Err(ProtocolError::invalid(
                "card",
                "expires before it is issued",
            ));
        }
        Ok(())
    }

    fn to_cwt(&self) -> Result<ClaimsSet> {
        let secs = |t: Timestamp| {
            i64::try_from(t.secs())
                .map(CwtTime::WholeSeconds)
                .map_err(|_| ProtocolError::invalid("card", "timestamp out of range"))
        };
        let representing = self
            .representing
            .iter()
            .map(|a| Value::Text(a.to_string()))
            .collect();
        let mut rest = vec![
            (
                ClaimName::PrivateUse(CLAIM_HOLDER_NAME),
                Value::Text(self.holder_name.clone()),
            ),
            (
                ClaimName::PrivateUse(CLAIM_HOLDER_SALT),
                Value::Bytes(self.salt.to_vec()),
            ),
            (
                ClaimName::PrivateUse(CLAIM_REPRESENTING),
                Value::Array(representing),
            ),
        ];
        if let Some(until) = self.membership_valid_until {
            rest.push((
                ClaimName::PrivateUse(CLAIM_MEMBERSHIP_VALID_UNTIL),
                Value::Integer(until.secs().into()),
            ));
        }
        Ok(ClaimsSet {
            issuer: Some(self.issuer.to_string()),
            subject: Some(self.member.to_string()),
            issued_at: Some(secs(self.issued_at)?),
            expiration_time: Some(secs(self.expires_at)?),
            rest,
            ..ClaimsSet::default()
        })
    }

    fn from_cwt(set: ClaimsSet) -> Result<CardClaims> {
        let time = |t: Option<CwtTime>, claim| match t {
            Some(CwtTime::WholeSeconds(s)) if s >= 0 => Ok(Timestamp(s.unsigned_abs())),
            _ => Err(ProtocolError::CardClaim { claim }),
        };
        let private = |key: i64| {
            set.rest
                .iter()
                .find(|(name, _)| *name == ClaimName::PrivateUse(key))
                .map(|(_, v)| v)
        };
        let issuer =
            set.issuer
                .as_deref()
                .and_then(|s| s.parse().ok())
                .ok_or(ProtocolError::CardClaim {
                    claim: "iss (issuer)",
                })?;
        let member = set.subject.as_deref().and_then(|s| s.parse().ok()).ok_or(
            ProtocolError::CardClaim {
                claim: "sub (member id)",
            },
        )?;
        let holder_name = match private(CLAIM_HOLDER_NAME) {
            Some(Value::Text(t)) => t.clone(),
            _ => {
                return Err(ProtocolError::CardClaim {
                    claim: "holder name",
                })
            }
        };
        let salt = match private(CLAIM_HOLDER_SALT) {
            Some(Value::Bytes(b)) => {
                b.as_slice()
                    .try_into()
                    .map_err(|_| ProtocolError::CardClaim {
                        claim: "holder salt",
                    })?
            }
            _ => {
                return Err(ProtocolError::CardClaim {
                    claim: "holder salt",
                })
            }
        };
        let representing = match private(CLAIM_REPRESENTING) {
            Some(Value::Array(items)) if items.len() <= MAX_REPRESENTING => items
                .iter()
                .map(|v| match v {
                    Value::Text(t) => t.parse().ok(),
                    _ => None,
                })
                .collect::<Option<Vec<AffiliateId>>>()
                .ok_or(ProtocolError::CardClaim {
                    claim: "representing",
                })?,
            _ => {
                return Err(ProtocolError::CardClaim {
                    claim: "representing",
                })
            }
        };
        let membership_valid_until = match private(CLAIM_MEMBERSHIP_VALID_UNTIL) {
            None => None,
            Some(Value::Integer(i)) => Some(Timestamp(u64::try_from(*i).map_err(|_| {
                ProtocolError::CardClaim {
                    claim: "membership valid until",
                }
            })?)),
            Some(_) => {
                return Err(ProtocolError::CardClaim {
                    claim: "membership valid until",
                })
            }
        };
        let claims = CardClaims {
            issuer,
            member,
            holder_name,
            salt,
            issued_at: time(set.issued_at, "iat (issued at)")?,
            expires_at: time(set.expiration_time, "exp (expiry)")?,
            representing,
            membership_valid_until,
        };
        claims.check()?;
        Ok(claims)
    }
}

/// Signs `claims` with the issuer's key and returns the `UF1:` card string.
pub fn issue(claims: &CardClaims, key: &AffiliateSigningKey) -> Result<String> {
    claims.check()?;
    let payload = claims
        .to_cwt()?
        .to_vec()
        .map_err(|e| ProtocolError::CardCose {
            detail: e.to_string(),
        })?;
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .key_id(key.public().key_id().to_vec())
        .build();
    let sign1 = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(b"", |tbs| key.sign_raw(tbs).0.to_vec())
        .build();
    let cose = sign1.to_tagged_vec().map_err(|e| ProtocolError::CardCose {
        detail: e.to_string(),
    })?;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&cose)
        .and_then(|()| z.finish())
        .map(|compressed| format!("{CARD_PREFIX}{}", crate::base45::encode(&compressed)))
        .map_err(|e| ProtocolError::CardZlib {
            detail: e.to_string(),
        })
}

/// A card decoded from its string; its signature is not yet checked.
#[derive(Debug, Clone)]
pub struct DecodedCard {
    sign1: CoseSign1,
    claims: CardClaims,
}

impl DecodedCard {
    /// Decodes a card string. Every step has its own error: prefix, base45,
    /// zlib (capped, so a zlib bomb stops early), COSE, algorithm, claims.
    pub fn decode(card: &str) -> Result<DecodedCard> {
        let card = card.trim();
        if card.len() > MAX_CARD_CHARS {
            return Err(ProtocolError::TooLarge {
                what: "card text",
                len: card.len(),
                max: MAX_CARD_CHARS,
            });
        }
        let Some(body) = card.strip_prefix(CARD_PREFIX) else {
            let found: String = card.chars().take(8).collect();
            return Err(ProtocolError::CardPrefix {
                found: format!("{found:?}"),
            });
        };
        let compressed = crate::base45::decode(body).map_err(|e| ProtocolError::CardBase45 {
            detail: e.to_string(),
        })?;
        // One-shot inflate into a capped buffer: no window is allocated
        // per check, and a zlib bomb stops at the cap.
        let cose = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
            &compressed,
            MAX_CARD_COSE_BYTES,
        )
        .map_err(|e| match e.status {
            TINFLStatus::HasMoreOutput => ProtocolError::CardBomb {
                max: MAX_CARD_COSE_BYTES,
            },
            _ => ProtocolError::CardZlib {
                detail: e.to_string(),
            },
        })?;
        let sign1 = CoseSign1::from_tagged_slice(&cose)
            .or_else(|_| CoseSign1::from_slice(&cose))
            .map_err(|e| ProtocolError::CardCose {
                detail: e.to_string(),
            })?;
        let alg = &sign1.protected.header.alg;
        if *alg != Some(coset::Algorithm::Assigned(iana::Algorithm::EdDSA)) {
            return Err(ProtocolError::CardAlgorithm {
                found: format!("{alg:?}"),
            });
        }
        let payload = sign1.payload.as_deref().ok_or(ProtocolError::CardCose {
            detail: "no payload".into(),
        })?;
        let set = ClaimsSet::from_slice(payload).map_err(|e| ProtocolError::CardCose {
            detail: e.to_string(),
        })?;
        let claims = CardClaims::from_cwt(set)?;
        Ok(DecodedCard { sign1, claims })
    }

    /// The claims, unverified: for showing what a card says, never for trusting it.
    pub fn claims_unverified(&self) -> &CardClaims {
        &self.claims
    }

    /// Checks the signature under the issuer's key valid at issue time, and
    /// that the card is not expired or issued in the future at `now`; then
    /// the claims can be trusted.
    pub fn verify(&self, keys: &impl SigningKeys, now: Timestamp) -> Result<CardClaims> {
        self.check(keys, now)?;
        Ok(self.claims.clone())
    }

    /// What `verify` checks, for a caller that goes on reading the claims
    /// from `claims_unverified` once this has passed.
    pub fn check(&self, keys: &impl SigningKeys, now: Timestamp) -> Result<()> {
        let c = &self.claims;
        let periods = keys
            .signing_keys(&c.issuer)
            .ok_or_else(|| ProtocolError::UnknownSigner {
                what: "card",
                signer: c.issuer.clone(),
            })?;
        let tbs = self.sign1.tbs_data(b"");
        let signature =
            SignatureBytes(self.sign1.signature.as_slice().try_into().map_err(|_| {
                ProtocolError::BadSignature {
                    what: "card",
                    signer: c.issuer.clone(),
                }
            })?);
        let Some(period) = periods
            .iter()
            .find(|p| p.key.verify_strict_raw(&tbs, &signature))
        else {
            return Err(ProtocolError::BadSignature {
                what: "card",
                signer: c.issuer.clone(),
            });
        };
        if !period.covers(c.issued_at) {
            return Err(ProtocolError::KeyNotValidAt {
                what: "card",
                signer: c.issuer.clone(),
                at: c.issued_at.secs(),
            });
        }
        if now >= c.expires_at {
            return Err(ProtocolError::CardExpired {
                expired_at: c.expires_at.secs(),
                now: now.secs(),
            });
        }
        // A few minutes of clock skew between issuer and verifier is normal.
        if c.issued_at.secs() > now.secs().saturating_add(300) {
            return Err(ProtocolError::CardNotYetValid {
                issued_at: c.issued_at.secs(),
                now: now.secs(),
            });
        }
        Ok(())
    }
}

impl CardClaims {
    /// Checks the card against the latest attestation for its member: the
    /// holder commitment must match and the status must be active.
    pub fn check_attestation(&self, latest: Option<&MembershipAttestation>) -> Result<()> {
        let Some(att) = latest else {
            return Err(ProtocolError::CardNoAttestation {
                issuer: self.issuer.clone(),
                member: self.member.to_string(),
            });
        };
        if att.member != self.member || att.holder_commitment != self.holder_commitment() {
            return Err(ProtocolError::CardHolderMismatch);
        }
        if att.status != MemberStatus::Active {
            return Err(ProtocolError::CardStatus { status: att.status });
        }
        Ok(())
    }
}
