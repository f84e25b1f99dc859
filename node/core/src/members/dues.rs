//! Memberships over time: dues recorded as periods paid, the renewal a
//! payment makes, the lapse once a membership's grace is over, and the
//! list of members whose renewal is due.

use super::{store, MemberRecord, Members, ERASED_NAME};
use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::now;
use crate::text::{day_string, parse_day};
use serde::{Deserialize, Serialize};
use unionfed_protocol::entry::MemberStatus;
use unionfed_protocol::Timestamp;
use utoipa::ToSchema;

const DAY: u64 = 86_400;
/// Longest period one payment may cover, and how far ahead it may end.
const MAX_PERIOD_DAYS: u64 = 5 * 366;
/// How the reason of a lapse for unpaid dues starts: only such a lapse
/// is undone by paying (a membership that moved to another union, or one
/// staff lapsed for a reason of their own, is not).
const LAPSE_REASON: &str = "dues not renewed";
const MAX_AMOUNT: usize = 60;
const MAX_RECEIPT: usize = 200;
/// How far ahead the renewals list looks.
pub const RENEWAL_DUE_WITHIN_DAYS: u64 = 30;

/// Dues a member paid for a period, as staff recorded them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DuesPeriod {
    /// First day paid for, `YYYY-MM-DD`.
    pub from: String,
    /// Last day paid for, `YYYY-MM-DD`.
    pub until: String,
    /// What was paid, as the union writes it ("MYR 60").
    pub amount: Option<String>,
    /// Receipt number or how it was paid.
    pub receipt: Option<String>,
    #[schema(value_type = u64)]
    pub recorded_at: Timestamp,
}

/// A payment of dues for a period, as staff enter it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuesPayment {
    /// First day paid for, `YYYY-MM-DD`.
    pub from: String,
    /// Last day paid for, `YYYY-MM-DD`.
    pub until: String,
    pub amount: Option<String>,
    pub receipt: Option<String>,
}

impl DuesPayment {
    /// The first and last day, checked against today `now`.
    fn days(&self, now: Timestamp) -> Result<(Timestamp, Timestamp)> {
        let day = |field: &str, text: &str| {
            parse_day(text.trim()).ok_or_else(|| {
                NodeError::Invalid(format!("{field} {text:?} is not a day like 2027-01-31"))
            })
        };
        let (from, until) = (day("from", &self.from)?, day("until", &self.until)?);
        if until < from {
            return Err(NodeError::Invalid(format!(
                "the period ends ({}) before it starts ({}); put the first day paid for in from",
                self.until, self.from
            )));
        }
        if until.secs() - from.secs() >= MAX_PERIOD_DAYS * DAY {
            return Err(NodeError::Invalid(
                "one payment covers at most five years; record longer periods as several".into(),
            ));
        }
        if until.secs() > now.secs() + MAX_PERIOD_DAYS * DAY {
            return Err(NodeError::Invalid(format!(
                "the period ends on {}, more than five years from today; check the year",
                self.until.trim()
            )));
        }
        for (field, value, max) in [
            ("amount", &self.amount, MAX_AMOUNT),
            ("receipt", &self.receipt, MAX_RECEIPT),
        ] {
            if let Some(v) = value {
                crate::text::check_line(field, v, max)?;
            }
        }
        Ok((from, until))
    }
}

/// A member whose renewal is due, and when the membership lapses.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RenewalDue {
    pub member: MemberRecord,
    /// When the node lapses the membership if no dues renew it.
    #[schema(value_type = u64)]
    pub lapses_at: Timestamp,
}

/// The first and last day of a recorded period.
fn period_days(p: &DuesPeriod) -> Option<(Timestamp, Timestamp)> {
    Some((parse_day(&p.from)?, parse_day(&p.until)?))
}

impl Members<'_> {
    /// When `record`'s membership lapses if nothing renews it: its grace
    /// period after the validity ends, or after this node could first renew
    /// memberships (a store of release 0.1 held no renewals), if later.
    pub fn lapses_at(self, record: &MemberRecord) -> Timestamp {
        let since = store::renewals_since(&self.store, now()).unwrap_or(record.valid_until);
        Timestamp(
            record.valid_until.max(since).secs()
                + u64::from(self.config.membership_grace_days) * DAY,
        )
    }

    /// Records dues paid for a period. A period that runs past the
    /// membership's validity renews it: the validity runs to the end of the
    /// period's last day, a lapsed membership is active again, and a new
    /// attestation tells every node. A suspended membership stays
    /// suspended (that is a decision of its own).
    pub async fn record_dues(
        self,
        who: &Principal,
        id: &unionfed_protocol::MemberId,
        payment: DuesPayment,
    ) -> Result<MemberRecord> {
        let grant = self.allow(who, Action::ChangeMember, &id.to_string())?;
        let detail = format!("{} to {}", payment.from.trim(), payment.until.trim());
        let record = self.record_dues_unchecked(id, payment).await?;
        grant.done_as(&self, "record_dues", &id.to_string(), Some(detail));
        Ok(record)
    }

    async fn record_dues_unchecked(
        self,
        id: &unionfed_protocol::MemberId,
        payment: DuesPayment,
    ) -> Result<MemberRecord> {
        let at = now();
        let (from, until) = payment.days(at)?;
        let _guard = self.member_lock.lock().await;
        let mut record = self.member(id)?;
        record.check_home("recording dues")?;
        let lapsed_otherwise = record.status == MemberStatus::Lapsed
            && !record
                .status_reason
                .as_deref()
                .is_some_and(|r| r.starts_with(LAPSE_REASON));
        if lapsed_otherwise {
            return Err(NodeError::Invalid(format!(
                "member {id} lapsed for another reason than unpaid dues ({}); \
                 dues do not bring that membership back, change its status first",
                record.status_reason.as_deref().unwrap_or("no reason given")
            )));
        }
        if record.holder_name == ERASED_NAME || record.status == MemberStatus::Revoked {
            return Err(NodeError::Invalid(format!(
                "member {id} is {} or their data was removed; dues cannot renew that \
                 membership, enrol them again",
                record.status
            )));
        }
        if let Some(p) = record
            .dues
            .iter()
            .find(|p| period_days(p).is_some_and(|(f, u)| from <= u && f <= until))
        {
            return Err(NodeError::Invalid(format!(
                "the period {} to {} overlaps the one paid from {} to {}, recorded on {}; \
                 record only the days not yet paid",
                day_string(from),
                day_string(until),
                p.from,
                p.until,
                day_string(p.recorded_at)
            )));
        }
        record.dues.push(DuesPeriod {
            from: day_string(from),
            until: day_string(until),
            amount: payment
                .amount
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty()),
            receipt: payment
                .receipt
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty()),
            recorded_at: at,
        });
        record.dues.sort_by(|a, b| a.from.cmp(&b.from));
        let paid_to = record.dues.iter().map(|p| p.until.clone()).max();
        record.work.dues_paid_until = paid_to.max(record.work.dues_paid_until.take());
        record.updated_at = at;
        // Paid to the end of the last day.
        let runs_to = Timestamp(until.secs() + DAY);
        let renewed = runs_to > record.valid_until;
        if renewed {
            record.valid_until = runs_to;
        }
        let reactivated =
            record.status == MemberStatus::Lapsed && renewed && record.valid_until > at;
        if reactivated {
            record.status = MemberStatus::Active;
            record.status_reason = Some(format!("renewed: dues paid until {}", day_string(until)));
        }
        if renewed || reactivated {
            let body = record.attestation(&self)?;
            self.append_attested(body, &mut record).await?;
        } else {
            store::put_member(&self.store, &record)?;
            self.store.flush().await?;
        }
        Ok(record)
    }

    /// Lapses, as of `at`, every active membership of this union whose
    /// validity ended longer ago than the grace period, each with an
    /// attestation that says so. What the node's hourly job does with
    /// `now()`, and a test with a clock moved ahead.
    pub async fn lapse_overdue(self, who: &Principal, at: Timestamp) -> Result<usize> {
        let grant = self.allow(who, Action::ChangeMember, "renewals")?;
        let due: Vec<_> = store::members(&self.store)?
            .into_iter()
            .filter(|m| {
                m.home.is_none()
                    && m.status == MemberStatus::Active
                    && m.holder_name != ERASED_NAME
                    && self.lapses_at(m) <= at
            })
            .map(|m| m.id)
            .collect();
        let mut lapsed = 0;
        for id in due {
            match self.lapse_one(&id, at).await {
                Ok(true) => {
                    grant.done_as(
                        &self,
                        "member_status",
                        &id.to_string(),
                        Some("lapsed".into()),
                    );
                    lapsed += 1;
                }
                Ok(false) => {}
                // One unreadable record does not hold up the others.
                Err(e) => tracing::warn!(%e, member = %id, "could not lapse a membership"),
            }
        }
        Ok(lapsed)
    }

    /// Lapses `id` as of `at` unless it was renewed or changed since the
    /// grace ended (staff who made it active again after that decided so).
    async fn lapse_one(self, id: &unionfed_protocol::MemberId, at: Timestamp) -> Result<bool> {
        let _guard = self.member_lock.lock().await;
        let mut record = self.member(id)?;
        let ends = self.lapses_at(&record);
        if record.status != MemberStatus::Active || ends > at || record.updated_at > ends {
            return Ok(false);
        }
        record.status = MemberStatus::Lapsed;
        record.status_reason = Some(format!(
            "{LAPSE_REASON}: the membership ran until {}, and its grace of {} days ended on {}",
            day_string(record.valid_until),
            self.config.membership_grace_days,
            day_string(ends)
        ));
        record.updated_at = at;
        let body = record.attestation(&self)?;
        self.append_attested(body, &mut record).await?;
        Ok(true)
    }

    /// Active members of this union whose membership runs out within
    /// [`RENEWAL_DUE_WITHIN_DAYS`] of `at` or already has (they are in
    /// their grace period), soonest first.
    pub fn renewals_due(self, who: &Principal, at: Timestamp) -> Result<Vec<RenewalDue>> {
        let grant = self.allow(who, Action::ListMembers, "renewals")?;
        let due = self.renewals_due_unchecked(at)?;
        grant.done(&self, "renewals", Some(format!("{} shown", due.len())));
        Ok(grant.shown_all(due, RenewalDue::masked))
    }

    pub(super) fn renewals_due_unchecked(self, at: Timestamp) -> Result<Vec<RenewalDue>> {
        let horizon = Timestamp(at.secs() + RENEWAL_DUE_WITHIN_DAYS * DAY);
        let mut due: Vec<RenewalDue> = store::members(&self.store)?
            .into_iter()
            .filter(|m| {
                m.home.is_none()
                    && m.status == MemberStatus::Active
                    && m.holder_name != ERASED_NAME
                    && m.valid_until <= horizon
            })
            .map(|m| RenewalDue {
                lapses_at: self.lapses_at(&m),
                member: m,
            })
            .collect();
        due.sort_by_key(|d| (d.member.valid_until, d.member.id));
        Ok(due)
    }
}

impl RenewalDue {
    /// Without the member's personal fields.
    pub fn masked(self) -> RenewalDue {
        RenewalDue {
            member: self.member.masked(),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(from: &str, until: &str) -> DuesPayment {
        DuesPayment {
            from: from.into(),
            until: until.into(),
            ..DuesPayment::default()
        }
    }

    #[test]
    fn a_payment_names_real_days_in_order() {
        let now = parse_day("2027-01-01").unwrap();
        assert!(payment("2027-01-01", "2027-12-31").days(now).is_ok());
        assert!(payment("2027-01-01", "2027-01-01").days(now).is_ok());
        let e = payment("2027-02-30", "2027-12-31").days(now).unwrap_err();
        assert!(e.to_string().contains("from \"2027-02-30\""), "{e}");
        let e = payment("2027-12-31", "2027-01-01").days(now).unwrap_err();
        assert!(e.to_string().contains("ends (2027-01-01) before"), "{e}");
        let e = payment("2027-01-01", "2033-01-01").days(now).unwrap_err();
        assert!(e.to_string().contains("five years"), "{e}");
        let long = DuesPayment {
            receipt: Some("x".repeat(300)),
            ..payment("2027-01-01", "2027-12-31")
        };
        assert!(long.days(now).unwrap_err().to_string().contains("receipt"));
        let e = payment("2031-06-01", "2032-05-31").days(now).unwrap_err();
        assert!(e.to_string().contains("five years from today"), "{e}");
    }
}
