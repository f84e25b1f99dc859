//! The audit trail: every login, change, view of personal data, export and
//! handoff, with who did it and when. Records are hash-chained: each names
//! the hash of the one before, so a record removed or altered in the middle
//! breaks the chain, and `unionfed audit verify` finds where. Retention
//! removes the oldest records after `audit_retention_days` and leaves an
//! anchor (the seq and hash of the last one removed) that the rest of the
//! chain verifies from.

mod store;

use crate::access::{Action, Principal};
use crate::error::Result;
use crate::node::{now, NodeState};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unionfed_protocol::Timestamp;
use utoipa::ToSchema;

const TAG: &[u8] = b"unionfed/audit/v1";

/// One audited event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditRecord {
    pub seq: u64,
    #[schema(value_type = u64)]
    pub at: Timestamp,
    /// A staff user, `admin token`, `partner <name>`, `worker`, or the node itself.
    pub actor: String,
    /// e.g. `login`, `login_failed`, `view_member`, `export_cases`, `handoff_sent`.
    pub action: String,
    /// What it was done to: a member or case id, a user name, a handoff id.
    pub target: String,
    pub detail: Option<String>,
    /// Hash of the previous record, hex; 64 zeros for the first.
    pub prev: String,
    /// SHA-256 over the tag, every field above and `prev`, hex.
    pub hash: String,
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

impl AuditRecord {
    /// The hash this record must carry.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        field(&mut h, TAG);
        h.update(self.seq.to_be_bytes());
        h.update(self.at.secs().to_be_bytes());
        field(&mut h, self.actor.as_bytes());
        field(&mut h, self.action.as_bytes());
        field(&mut h, self.target.as_bytes());
        match &self.detail {
            Some(d) => {
                h.update([1]);
                field(&mut h, d.as_bytes());
            }
            None => h.update([0]),
        }
        field(&mut h, self.prev.as_bytes());
        hex::encode(h.finalize())
    }
}

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where retention cut the oldest records off the trail: the next record
/// names `hash` as its `prev` and has the seq after `through_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditAnchor {
    pub through_seq: u64,
    pub hash: String,
    #[schema(value_type = u64)]
    pub cut_at: Timestamp,
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChainReport {
    /// Records checked (those left after retention).
    pub records: u64,
    /// The last seq retention removed, when it removed any: the chain is
    /// checked from there.
    pub cut_through: Option<u64>,
    /// Hash of the last record: note it down elsewhere to detect a cut tail.
    pub head: String,
    /// The first record that breaks the chain, and why.
    pub broken: Option<String>,
}

/// Checks `records` (in order) link up from the genesis, or from the
/// anchor retention left.
pub fn verify_chain(
    anchor: Option<&AuditAnchor>,
    records: impl Iterator<Item = Result<AuditRecord>>,
) -> Result<ChainReport> {
    let (mut seq, mut prev) = match anchor {
        Some(a) => (a.through_seq, a.hash.clone()),
        None => (0, GENESIS.to_owned()),
    };
    let cut_through = anchor.map(|a| a.through_seq);
    let mut count = 0u64;
    for record in records {
        let r = record?;
        count += 1;
        seq += 1;
        let why = if r.seq != seq {
            Some(format!(
                "record #{} is where #{seq} should be: records are missing",
                r.seq
            ))
        } else if r.prev != prev {
            Some(format!(
                "record #{} does not name the hash of #{}",
                r.seq,
                seq - 1
            ))
        } else if r.compute_hash() != r.hash {
            Some(format!(
                "record #{} was altered after it was written",
                r.seq
            ))
        } else {
            None
        };
        if why.is_some() {
            return Ok(ChainReport {
                records: count,
                cut_through,
                head: prev,
                broken: why,
            });
        }
        prev = r.hash;
    }
    Ok(ChainReport {
        records: count,
        cut_through,
        head: prev,
        broken: None,
    })
}

/// Filters for the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Text that the actor, action, target or detail contains.
    pub text: Option<String>,
    pub limit: usize,
}

impl NodeState {
    /// Records an event. Durable with the next flush; the callers that
    /// acknowledge a change flush anyway.
    /// What the public does is dated to the day, as a complaint is.
    pub(crate) fn audit(&self, actor: &str, action: &str, target: &str, detail: Option<String>) {
        let at = if actor == Principal::Public.audit_name() {
            crate::node::day_of(now())
        } else {
            now()
        };
        let result = store::append(&self.store, |seq, prev| {
            let mut record = AuditRecord {
                seq,
                at,
                actor: actor.to_owned(),
                action: action.to_owned(),
                target: target.to_owned(),
                detail: detail.clone(),
                prev: prev.to_owned(),
                hash: String::new(),
            };
            record.hash = record.compute_hash();
            record
        });
        if let Err(e) = result {
            tracing::error!(error = %e, action, "could not write the audit record");
        }
    }

    /// Every record whose target is `target` (a member or case id), oldest
    /// first.
    pub(crate) fn audit_records_about(&self, target: &str) -> Result<Vec<AuditRecord>> {
        store::oldest_first(&self.store)
            .filter(|r| r.as_ref().map_or(true, |r| r.target == target))
            .collect()
    }

    /// The newest records first, matching `query`, and the check of the
    /// whole chain: what the audit page shows.
    pub fn audit_records(
        &self,
        who: &Principal,
        query: &AuditQuery,
    ) -> Result<(Vec<AuditRecord>, ChainReport)> {
        let grant = self.allow(who, Action::ReadAudit, "audit trail")?;
        grant.done(self, "audit trail", query.text.clone());
        let records = self.matching_records(query)?;
        Ok((records, verify_store(&self.store)?))
    }

    /// How many records will be past `audit_retention_days` at `at`.
    pub(crate) fn audit_records_due(&self, at: Timestamp) -> Result<usize> {
        store::count_older_than(&self.store, self.audit_cutoff(at))
    }

    /// Removes the records older than `audit_retention_days` at `at`,
    /// leaving the anchor the rest verifies from.
    pub(crate) async fn purge_audit_records(&self, at: Timestamp) -> Result<usize> {
        let removed = store::remove_older_than(&self.store, self.audit_cutoff(at), at)?;
        if removed > 0 {
            self.store.flush().await?;
        }
        Ok(removed)
    }

    fn audit_cutoff(&self, at: Timestamp) -> Timestamp {
        let keep = u64::from(self.config.audit_retention_days) * 86_400;
        Timestamp(at.secs().saturating_sub(keep))
    }

    /// Every audit record, the newest first, read as the iterator goes
    /// (for the operator and the tests; the audit page is `audit_records`).
    pub fn audit_newest_first(&self) -> impl Iterator<Item = Result<AuditRecord>> + '_ {
        store::newest_first(&self.store)
    }

    fn matching_records(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let needle = query.text.as_deref().map(str::to_lowercase);
        let mut out = Vec::new();
        for r in store::newest_first(&self.store) {
            let r = r?;
            let hit = needle.as_deref().is_none_or(|n| {
                [&r.actor, &r.action, &r.target]
                    .iter()
                    .any(|f| f.to_lowercase().contains(n))
                    || r.detail
                        .as_deref()
                        .is_some_and(|d| d.to_lowercase().contains(n))
            });
            if hit {
                out.push(r);
                if out.len() >= query.limit.max(1) {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// `unionfed audit verify`: checks the chain of a stopped node's store.
pub fn verify_store(store: &crate::storage::Store) -> Result<ChainReport> {
    verify_chain(store::anchor(store)?.as_ref(), store::oldest_first(store))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    seq,
                    at: Timestamp(1_795_000_000 + seq),
                    actor: "rina".into(),
                    action: "view_case".into(),
                    target: format!("case {seq}"),
                    detail: None,
                    prev: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.compute_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    #[test]
    fn a_removed_or_altered_record_breaks_the_chain() {
        let ok = verify_chain(None, chain(5).into_iter().map(Ok)).unwrap();
        assert_eq!((ok.records, ok.broken), (5, None));
        let mut removed = chain(5);
        removed.remove(2);
        let report = verify_chain(None, removed.into_iter().map(Ok)).unwrap();
        assert!(report.broken.unwrap().contains("missing"));
        let mut altered = chain(5);
        altered[3].actor = "someone else".into();
        let report = verify_chain(None, altered.into_iter().map(Ok)).unwrap();
        assert!(report.broken.unwrap().contains("#4 was altered"));
        let mut rehashed = chain(5);
        rehashed[1].target = "another case".into();
        rehashed[1].hash = rehashed[1].compute_hash();
        let report = verify_chain(None, rehashed.into_iter().map(Ok)).unwrap();
        assert!(
            report.broken.unwrap().contains("#3 does not name"),
            "rehashing one record breaks the next"
        );
    }

    #[test]
    fn a_chain_cut_by_retention_verifies_from_its_anchor_only() {
        let all = chain(6);
        let anchor = AuditAnchor {
            through_seq: 3,
            hash: all[2].hash.clone(),
            cut_at: Timestamp(1_795_100_000),
        };
        let rest = || all[3..].iter().cloned().map(Ok);
        let ok = verify_chain(Some(&anchor), rest()).unwrap();
        assert_eq!((ok.records, ok.cut_through, ok.broken), (3, Some(3), None));
        assert_eq!(ok.head, all[5].hash);
        // Without the anchor the cut shows as missing records.
        let report = verify_chain(None, rest()).unwrap();
        assert!(report.broken.unwrap().contains("missing"));
        // An anchor moved past a record that is still there does not hide it.
        let later = AuditAnchor {
            through_seq: 4,
            hash: all[3].hash.clone(),
            ..anchor.clone()
        };
        let report = verify_chain(Some(&later), rest()).unwrap();
        assert!(report.broken.unwrap().contains("#4 is where #5"));
        // A record removed after the anchor still breaks it.
        let mut gap = all[3..].to_vec();
        gap.remove(1);
        let report = verify_chain(Some(&anchor), gap.into_iter().map(Ok)).unwrap();
        assert!(report.broken.unwrap().contains("missing"));
    }
}
