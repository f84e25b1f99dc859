//! The card-check verdict, shared by the HTTP API (answering from the local
//! replica) and the offline CLI (answering from a status snapshot).

use crate::storage::Representation;
use serde::Serialize;
use std::collections::BTreeSet;
use unionfed_protocol::{
    AffiliateId, Charter, DecodedCard, MemberId, MembershipAttestation, Timestamp,
};
use utoipa::ToSchema;

/// Why a card is not good, as a stable code and a sentence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
}

/// The answer to "is this card good?".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardVerdict {
    pub valid: bool,
    /// Membership status from the latest attestation this node holds.
    pub status: Option<String>,
    /// Why a revoked membership was revoked, when its issuer said so:
    /// `erased` (the member's data was erased at their request).
    pub reason: Option<String>,
    pub issuer: Option<String>,
    pub member_id: Option<String>,
    pub holder_name: Option<String>,
    /// Affiliates representing the member now.
    pub representing: Vec<String>,
    pub issued_at: Option<u64>,
    pub expires_at: Option<u64>,
    /// Since when the holder is a member, from the latest attestation.
    pub member_since: Option<u64>,
    /// Until when the membership runs, from the latest attestation; the
    /// issuer extends it when dues are paid.
    pub valid_until: Option<u64>,
    /// When the membership was renewed after this card was issued: until
    /// when it now runs (the card stays good; a new one shows the date).
    pub renewed_until: Option<u64>,
    /// When an active membership's validity ran out before now: the
    /// renewal is overdue, and the issuer lapses the membership once its
    /// grace period is over.
    pub renewal_overdue_since: Option<u64>,
    /// Sequence number of the attestation the verdict rests on.
    pub checked_against_seq: Option<u64>,
    pub problems: Vec<Problem>,
}

/// Where the verdict looks up attestations and representations.
pub trait Replica {
    fn latest_attestation(
        &self,
        issuer: &AffiliateId,
        member: &MemberId,
    ) -> Option<(u64, MembershipAttestation)>;
    fn representations(&self, member: &MemberId) -> Vec<Representation>;
    /// The seq of the issuer's attestation that an erasure of `member`
    /// followed, if the issuer erased them.
    fn erased_at(&self, issuer: &AffiliateId, member: &MemberId) -> Option<u64>;
}

fn problem(e: &unionfed_protocol::ProtocolError) -> Problem {
    Problem {
        code: e.code(),
        message: e.to_string(),
    }
}

/// Checks `text` against `charter` and `replica` at `now`.
pub fn check(text: &str, charter: &Charter, replica: &impl Replica, now: Timestamp) -> CardVerdict {
    let mut verdict = CardVerdict {
        valid: false,
        status: None,
        reason: None,
        issuer: None,
        member_id: None,
        holder_name: None,
        representing: Vec::new(),
        issued_at: None,
        expires_at: None,
        member_since: None,
        valid_until: None,
        renewed_until: None,
        renewal_overdue_since: None,
        checked_against_seq: None,
        problems: Vec::new(),
    };
    let decoded = match DecodedCard::decode(text) {
        Ok(d) => d,
        Err(e) => {
            verdict.problems.push(problem(&e));
            return verdict;
        }
    };
    let claims = decoded.claims_unverified();
    verdict.issuer = Some(claims.issuer.to_string());
    verdict.member_id = Some(claims.member.to_string());
    verdict.issued_at = Some(claims.issued_at.secs());
    verdict.expires_at = Some(claims.expires_at.secs());
    if let Err(e) = decoded.check(charter, now) {
        verdict.problems.push(problem(&e));
        // A card whose signature fails says nothing we may repeat.
        if matches!(
            e,
            unionfed_protocol::ProtocolError::BadSignature { .. }
                | unionfed_protocol::ProtocolError::UnknownSigner { .. }
                | unionfed_protocol::ProtocolError::KeyNotValidAt { .. }
        ) {
            verdict.member_id = None;
            return verdict;
        }
    }
    verdict.holder_name = Some(claims.holder_name.clone());
    let latest = replica.latest_attestation(&claims.issuer, &claims.member);
    if let Some((seq, att)) = &latest {
        verdict.status = Some(att.status.to_string());
        verdict.checked_against_seq = Some(*seq);
        if att.status == unionfed_protocol::MemberStatus::Revoked
            && replica.erased_at(&claims.issuer, &claims.member) == Some(*seq)
        {
            verdict.reason = Some("erased".into());
        }
    }
    let attested = claims.check_attestation(latest.as_ref().map(|(_, a)| a));
    if let Some((_, att)) = &latest {
        // The membership's dates, for a card that is the member's (not for
        // someone else's, nor once the member was erased); the notes on
        // renewal only for a card that is good otherwise.
        let theirs = att.member == claims.member
            && att.holder_commitment == claims.holder_commitment()
            && verdict.reason.is_none();
        if theirs {
            verdict.member_since = Some(att.member_since.secs());
            verdict.valid_until = Some(att.valid_until.secs());
        }
        if theirs && attested.is_ok() && verdict.problems.is_empty() {
            if claims
                .membership_valid_until
                .is_some_and(|at_issue| att.valid_until > at_issue)
            {
                verdict.renewed_until = Some(att.valid_until.secs());
            }
            if att.valid_until <= now {
                verdict.renewal_overdue_since = Some(att.valid_until.secs());
            }
        }
    }
    if let Err(e) = attested {
        verdict.problems.push(problem(&e));
    }
    let records = replica.representations(&claims.member);
    let mut representing: BTreeSet<String> = records
        .iter()
        .filter(|r| r.home == claims.issuer && r.in_force_at(now))
        .map(|r| r.representing.to_string())
        .collect();
    for a in &claims.representing {
        // The card's list holds unless the log says that representation is over.
        if !records
            .iter()
            .any(|r| &r.representing == a && !r.in_force_at(now))
        {
            representing.insert(a.to_string());
        }
    }
    verdict.representing = representing.into_iter().collect();
    verdict.valid = verdict.problems.is_empty();
    verdict
}

/// The node's own replica, for the doors' card checks.
impl Replica for crate::node::NodeState {
    fn latest_attestation(
        &self,
        issuer: &AffiliateId,
        member: &MemberId,
    ) -> Option<(u64, MembershipAttestation)> {
        match self.store.latest_attestation(issuer, member) {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(%e, "attestation lookup failed");
                None
            }
        }
    }

    fn representations(&self, member: &MemberId) -> Vec<Representation> {
        self.store.representations(member).unwrap_or_else(|e| {
            tracing::error!(%e, "representation lookup failed");
            Vec::new()
        })
    }

    fn erased_at(&self, issuer: &AffiliateId, member: &MemberId) -> Option<u64> {
        match self.store.erasure(issuer, member) {
            Ok(found) => found.map(|e| e.revoked_at),
            Err(e) => {
                tracing::error!(%e, "erasure lookup failed");
                None
            }
        }
    }
}

impl crate::node::NodeState {
    /// The verdict on a card, from this node's replica: anyone may ask
    /// (`Action::CheckCard`), and nothing is recorded, so that checking a
    /// card leaves no trace of the worker.
    pub fn check_card(&self, text: &str) -> CardVerdict {
        self.metrics.card_checks.inc();
        let held = self.charter();
        // A code copied from a message or a PDF often arrives broken over
        // lines; line breaks, tabs and zero-width characters are in no
        // card's alphabet, so they go (a space is base45 and stays).
        let text: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, '\r' | '\n' | '\t' | '\u{200b}' | '\u{feff}'))
            .collect();
        let verdict = check(&text, &held.charter, self, crate::node::now());
        if verdict.problems.iter().any(|p| p.code == "bad_signature") {
            self.metrics.verify_failures.inc();
        }
        verdict
    }
}
