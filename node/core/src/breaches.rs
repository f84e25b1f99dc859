//! The register of personal-data breaches an affiliate keeps: what
//! happened, which data, how many people, when the union found out, and
//! when it told the authority and the people affected, with the deadline
//! the law of its country sets (`docs/data-protection.md` cites each).
//! Admins only; every read and change is in the audit trail.

use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::{now, NodeState};
use crate::storage::Space;
use crate::text::{check_line, check_required, check_text, parse_day};
use serde::{Deserialize, Serialize};
use unionfed_protocol::{CountryCode, HandoffId, Timestamp};
use utoipa::ToSchema;

const BREACHES: Space = Space::json(b'b', "breach record");

/// The longest free text of a breach record.
const MAX_TEXT: usize = 4000;

/// A breach as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Breach {
    #[schema(value_type = String)]
    pub id: HandoffId,
    /// What happened: a lost phone, a shared password, a wrong recipient.
    pub happened: String,
    /// Which data: members' records, case narratives, files, accounts.
    pub data: String,
    /// How many people it concerns, as far as is known.
    pub people: u32,
    /// When the union became aware of it.
    #[schema(value_type = u64)]
    pub found_at: Timestamp,
    /// What was done to contain it and to help the people affected.
    pub measures: Option<String>,
    #[schema(value_type = Option<u64>)]
    pub authority_told_at: Option<Timestamp>,
    #[schema(value_type = Option<u64>)]
    pub people_told_at: Option<Timestamp>,
    pub recorded_by: String,
    #[schema(value_type = u64)]
    pub recorded_at: Timestamp,
}

/// A breach to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBreach {
    pub happened: String,
    pub data: String,
    pub people: u32,
    /// `YYYY-MM-DD`, the day the union became aware; today when omitted.
    pub found_on: Option<String>,
    pub measures: Option<String>,
}

/// Who was told of a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Told {
    Authority,
    People,
}

/// What the law of a country asks after a breach, as far as this project
/// knows it; `docs/data-protection.md` gives the provisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Deadline {
    /// The authority to notify.
    pub authority: &'static str,
    /// Hours from when the union became aware; `None` where the law sets
    /// no fixed time ("without undue delay", or no law).
    pub hours: Option<u32>,
    /// The law and provision.
    pub law: &'static str,
}

/// The breach-notification rule of `country`.
pub fn deadline(country: CountryCode) -> Deadline {
    let (authority, hours, law) = match country.as_str() {
        "ID" => (
            "the Ministry of Communication and Digital Affairs (and the people affected)",
            Some(72),
            "Law 27/2022 on Personal Data Protection, art. 46",
        ),
        "PH" => (
            "the National Privacy Commission (and the people affected)",
            Some(72),
            "Data Privacy Act 2012, s. 20(f); NPC Circular 16-03, s. 17",
        ),
        "TH" => (
            "the Personal Data Protection Committee office",
            Some(72),
            "Personal Data Protection Act B.E. 2562 (2019), s. 37(4)",
        ),
        "SG" => (
            "the Personal Data Protection Commission, within 3 days of assessing that it must be notified",
            Some(72),
            "Personal Data Protection Act 2012, s. 26D",
        ),
        "MY" => (
            "the Personal Data Protection Commissioner, as soon as practicable (the Commissioner's guideline: 72 hours)",
            Some(72),
            "Personal Data Protection Act 2010 as amended in 2024, s. 12B",
        ),
        "VN" => (
            "the Ministry of Public Security (A05)",
            Some(72),
            "Decree 13/2023/ND-CP on personal data protection, art. 23",
        ),
        _ => (
            "no national authority with a fixed deadline is known for this country; follow the federation's rule of 72 hours",
            None,
            "no breach-notification law known",
        ),
    };
    Deadline {
        authority,
        hours,
        law,
    }
}

impl Breach {
    /// When the authority must be told, under the law of `country`.
    pub fn due_at(&self, country: CountryCode) -> Option<Timestamp> {
        deadline(country)
            .hours
            .map(|h| Timestamp(self.found_at.secs() + u64::from(h) * 3600))
    }
}

impl NewBreach {
    fn validate(&self) -> Result<Timestamp> {
        check_required("happened", &self.happened, MAX_TEXT)?;
        check_required("data", &self.data, MAX_TEXT)?;
        if let Some(m) = &self.measures {
            check_text("measures", m, MAX_TEXT)?;
        }
        let today = now();
        match self
            .found_on
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            None => Ok(today),
            Some(day) => {
                check_line("found_on", day, 10)?;
                let at = parse_day(day).ok_or_else(|| {
                    NodeError::Invalid(format!(
                        "found_on: {day:?} is not a day (YYYY-MM-DD, e.g. 2026-11-30)"
                    ))
                })?;
                if at.secs() > today.secs() {
                    return Err(NodeError::Invalid(format!(
                        "found_on: {day} is in the future"
                    )));
                }
                Ok(at)
            }
        }
    }
}

/// The breach register, newest first.
pub fn list(state: &NodeState, who: &Principal) -> Result<Vec<Breach>> {
    let grant = state.allow(who, Action::ManageBreaches, "breach register")?;
    let mut all: Vec<Breach> = state.store.scan(BREACHES, &[])?;
    all.sort_by(|a, b| {
        b.found_at
            .cmp(&a.found_at)
            .then(b.recorded_at.cmp(&a.recorded_at))
    });
    grant.done_as(state, "view_breaches", "breach register", None);
    Ok(all)
}

/// Records a breach, under the name of whoever records it.
pub async fn record(state: &NodeState, who: &Principal, input: NewBreach) -> Result<Breach> {
    let grant = state.allow(who, Action::ManageBreaches, "breach register")?;
    let found_at = input.validate()?;
    let breach = Breach {
        id: HandoffId::random(),
        happened: input.happened.trim().to_owned(),
        data: input.data.trim().to_owned(),
        people: input.people,
        found_at,
        measures: input
            .measures
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty()),
        authority_told_at: None,
        people_told_at: None,
        recorded_by: who.display_name(),
        recorded_at: now(),
    };
    state.store.put(BREACHES, breach.id.as_bytes(), &breach)?;
    state.store.flush().await?;
    grant.done_as(state, "record_breach", &breach.id.to_string(), None);
    Ok(breach)
}

/// Notes that the authority or the people affected were told, now.
pub async fn told(
    state: &NodeState,
    who: &Principal,
    id: &HandoffId,
    whom: Told,
) -> Result<Breach> {
    let grant = state.allow(who, Action::ManageBreaches, &id.to_string())?;
    let mut breach: Breach =
        state
            .store
            .get(BREACHES, id.as_bytes())?
            .ok_or_else(|| NodeError::NotFound {
                what: "breach",
                id: id.to_string(),
            })?;
    let slot = match whom {
        Told::Authority => &mut breach.authority_told_at,
        Told::People => &mut breach.people_told_at,
    };
    if slot.is_some() {
        return Err(NodeError::Invalid(format!(
            "breach {id}: that notification is recorded already"
        )));
    }
    *slot = Some(now());
    state.store.put(BREACHES, breach.id.as_bytes(), &breach)?;
    state.store.flush().await?;
    let what = match whom {
        Told::Authority => "authority told",
        Told::People => "people told",
    };
    grant.done_as(state, "breach_notified", &id.to_string(), Some(what.into()));
    Ok(breach)
}
