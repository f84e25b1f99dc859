//! Contract substitution evidence: the terms of the contract the worker
//! signed beside the terms they actually work under, and the differences
//! that mark a substituted contract (lower pay, longer hours, fewer rest
//! days, another job or another employer).

use super::CaseDesk;
use super::{check_required, check_text, Case, CaseEvent, CaseId, EventKind, MAX_FIELD};
use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::now;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Key terms of an employment contract, or of the work as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractTerms {
    pub employer: Option<String>,
    pub position: Option<String>,
    /// Wage per month in whole units of `currency`.
    pub monthly_wage: Option<u64>,
    /// ISO 4217, e.g. MYR.
    pub currency: Option<String>,
    pub hours_per_week: Option<u32>,
    pub rest_days_per_month: Option<u32>,
    pub duration_months: Option<u32>,
}

/// A contract attached to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContractEvidence {
    /// What the signed contract says.
    pub signed: ContractTerms,
    /// What the worker actually experiences.
    pub experienced: ContractTerms,
    /// SHA-256 of the contract file (an attachment of the case, or kept on paper).
    pub document_sha256: Option<String>,
    pub differences: Vec<Difference>,
    /// True when any difference marks a substituted contract.
    pub substitution: bool,
}

/// One term that differs between the contract and the work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Difference {
    pub term: String,
    pub signed: String,
    pub experienced: String,
    /// Whether this difference is to the worker's harm.
    pub substitution: bool,
    pub explanation: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContractEvidence {
    pub signed: ContractTerms,
    pub experienced: ContractTerms,
    pub document_sha256: Option<String>,
    #[serde(skip)]
    pub actor: String,
}

impl ContractTerms {
    fn validate(&self, side: &str) -> Result<()> {
        for (field, value) in [
            ("employer", &self.employer),
            ("position", &self.position),
            ("currency", &self.currency),
        ] {
            if let Some(v) = value {
                check_text(&format!("{side}.{field}"), v, MAX_FIELD)?;
            }
        }
        if self.hours_per_week.is_some_and(|h| h > 168) {
            return Err(NodeError::Invalid(format!(
                "{side}.hours_per_week is over 168, the hours in a week"
            )));
        }
        if self.rest_days_per_month.is_some_and(|d| d > 31) {
            return Err(NodeError::Invalid(format!(
                "{side}.rest_days_per_month is over 31"
            )));
        }
        Ok(())
    }
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The differences between what was signed and what is experienced.
pub fn compare(signed: &ContractTerms, experienced: &ContractTerms) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut text = |term: &str, a: &Option<String>, b: &Option<String>, what: &str| {
        if let (Some(a), Some(b)) = (a, b) {
            if !same_text(a, b) {
                out.push(Difference {
                    term: term.into(),
                    signed: a.clone(),
                    experienced: b.clone(),
                    substitution: true,
                    explanation: format!("the worker {what}"),
                });
            }
        }
    };
    text(
        "employer",
        &signed.employer,
        &experienced.employer,
        "works for another employer than the one in the contract",
    );
    text(
        "position",
        &signed.position,
        &experienced.position,
        "does another job than the one in the contract",
    );
    let same_currency = match (&signed.currency, &experienced.currency) {
        (Some(a), Some(b)) => same_text(a, b),
        _ => true,
    };
    if let (Some(a), Some(b)) = (signed.monthly_wage, experienced.monthly_wage) {
        if !same_currency {
            out.push(Difference {
                term: "monthly_wage".into(),
                signed: format!("{a} {}", signed.currency.clone().unwrap_or_default()),
                experienced: format!("{b} {}", experienced.currency.clone().unwrap_or_default()),
                substitution: false,
                explanation: "paid in another currency; compare at the day's rate".into(),
            });
        } else if b < a {
            let lower = (a - b) * 100 / a.max(1);
            out.push(Difference {
                term: "monthly_wage".into(),
                signed: a.to_string(),
                experienced: b.to_string(),
                substitution: true,
                explanation: format!("pay is {lower}% lower than the contract"),
            });
        } else if b > a {
            out.push(Difference {
                term: "monthly_wage".into(),
                signed: a.to_string(),
                experienced: b.to_string(),
                substitution: false,
                explanation: "pay is higher than the contract".into(),
            });
        }
    }
    let mut number =
        |term: &str, a: Option<u32>, b: Option<u32>, worse_if_more: bool, unit: &str| {
            if let (Some(a), Some(b)) = (a, b) {
                if a != b {
                    let worse = if worse_if_more { b > a } else { b < a };
                    out.push(Difference {
                        term: term.into(),
                        signed: a.to_string(),
                        experienced: b.to_string(),
                        substitution: worse,
                        explanation: format!("{} {unit} than the contract", b.abs_diff(a))
                            + if b > a { " more" } else { " fewer" },
                    });
                }
            }
        };
    number(
        "hours_per_week",
        signed.hours_per_week,
        experienced.hours_per_week,
        true,
        "hours a week",
    );
    number(
        "rest_days_per_month",
        signed.rest_days_per_month,
        experienced.rest_days_per_month,
        false,
        "rest days a month",
    );
    number(
        "duration_months",
        signed.duration_months,
        experienced.duration_months,
        true,
        "months",
    );
    out
}

impl CaseDesk<'_> {
    /// Attaches (or replaces) the contract evidence of a case.
    pub async fn set_contract(
        self,
        who: &Principal,
        id: &CaseId,
        input: NewContractEvidence,
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "case_contract",
            |actor| self.set_contract_unchecked(id, NewContractEvidence { actor, ..input }),
        )
        .await
    }

    async fn set_contract_unchecked(self, id: &CaseId, input: NewContractEvidence) -> Result<Case> {
        check_required("actor", &input.actor, MAX_FIELD)?;
        input.signed.validate("signed")?;
        input.experienced.validate("experienced")?;
        if let Some(h) = &input.document_sha256 {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(NodeError::Invalid(
                    "document_sha256 is not 64 hex digits".into(),
                ));
            }
        }
        let differences = compare(&input.signed, &input.experienced);
        let substitution = differences.iter().any(|d| d.substitution);
        let before = self.case(id)?;
        let mut case = before.clone();
        let note = if substitution {
            let terms: Vec<&str> = differences
                .iter()
                .filter(|d| d.substitution)
                .map(|d| d.term.as_str())
                .collect();
            format!("contract substitution: {}", terms.join(", "))
        } else {
            "contract attached; no substitution found".to_owned()
        };
        case.contract = Some(ContractEvidence {
            signed: input.signed,
            experienced: input.experienced,
            document_sha256: input.document_sha256.map(|h| h.to_ascii_lowercase()),
            differences,
            substitution,
        });
        case.push(CaseEvent {
            at: now(),
            actor: input.actor,
            kind: EventKind::Contract { substitution },
            note: Some(note),
        })?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_substituted_contract_is_flagged_term_by_term() {
        let signed = ContractTerms {
            employer: Some("Sdn Bhd Contoh".into()),
            position: Some("Machine operator".into()),
            monthly_wage: Some(1700),
            currency: Some("MYR".into()),
            hours_per_week: Some(48),
            rest_days_per_month: Some(4),
            duration_months: Some(24),
        };
        let same = compare(
            &signed,
            &ContractTerms {
                position: Some("machine  OPERATOR".into()),
                ..signed.clone()
            },
        );
        assert!(same.is_empty(), "{same:?}");
        let experienced = ContractTerms {
            position: Some("Cleaner".into()),
            monthly_wage: Some(1100),
            hours_per_week: Some(72),
            rest_days_per_month: Some(0),
            ..signed.clone()
        };
        let d = compare(&signed, &experienced);
        let flagged: Vec<&str> = d
            .iter()
            .filter(|d| d.substitution)
            .map(|d| d.term.as_str())
            .collect();
        assert_eq!(
            flagged,
            [
                "position",
                "monthly_wage",
                "hours_per_week",
                "rest_days_per_month"
            ]
        );
        let wage = d.iter().find(|d| d.term == "monthly_wage").unwrap();
        assert_eq!(wage.explanation, "pay is 35% lower than the contract");
        // Better terms are differences, not substitution; another currency is not compared.
        let better = compare(
            &signed,
            &ContractTerms {
                monthly_wage: Some(1900),
                hours_per_week: Some(40),
                ..signed.clone()
            },
        );
        assert!(better.iter().all(|d| !d.substitution));
        let other = compare(
            &signed,
            &ContractTerms {
                monthly_wage: Some(100),
                currency: Some("USD".into()),
                ..signed.clone()
            },
        );
        assert!(other.iter().all(|d| !d.substitution));
    }
}
