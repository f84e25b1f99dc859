//! The fixed case taxonomy: the ILO indicators of forced labour and the
//! complaints migrant workers bring most often. Codes are stable; reports
//! and partners rely on them. `docs/case-taxonomy.md` explains each one.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a case is about. A case has one or more.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    UnpaidWages,
    UnderpaidWages,
    ExcessiveRecruitmentFees,
    ContractSubstitution,
    DocumentRetention,
    ExcessiveHours,
    NoRestDay,
    UnsafeWorkAndInjury,
    PhysicalOrSexualAbuse,
    Harassment,
    ThreatsOfDenunciation,
    RestrictedMovement,
    Isolation,
    AbuseOfVulnerability,
    DebtBondage,
    TraffickingIndicators,
    SocialSecurityAndCompensation,
    UnfairDismissal,
    Other,
}

/// A category with its label and, where it is one, the ILO forced-labour
/// indicator it stands for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryInfo {
    pub code: Category,
    pub label: &'static str,
    /// The ILO indicator of forced labour (ILO, "Indicators of Forced Labour", 2012).
    pub forced_labour_indicator: Option<&'static str>,
}

impl Category {
    pub const ALL: [Category; 19] = [
        Category::UnpaidWages,
        Category::UnderpaidWages,
        Category::ExcessiveRecruitmentFees,
        Category::ContractSubstitution,
        Category::DocumentRetention,
        Category::ExcessiveHours,
        Category::NoRestDay,
        Category::UnsafeWorkAndInjury,
        Category::PhysicalOrSexualAbuse,
        Category::Harassment,
        Category::ThreatsOfDenunciation,
        Category::RestrictedMovement,
        Category::Isolation,
        Category::AbuseOfVulnerability,
        Category::DebtBondage,
        Category::TraffickingIndicators,
        Category::SocialSecurityAndCompensation,
        Category::UnfairDismissal,
        Category::Other,
    ];

    pub fn info(self) -> CategoryInfo {
        use Category::*;
        let (label, indicator) = match self {
            UnpaidWages => ("Unpaid wages", Some("withholding of wages")),
            UnderpaidWages => ("Underpaid wages (below contract or minimum wage)", None),
            ExcessiveRecruitmentFees => ("Excessive recruitment fees", Some("debt bondage")),
            ContractSubstitution => ("Contract substitution", Some("deception")),
            DocumentRetention => (
                "Passport or document retention",
                Some("retention of identity documents"),
            ),
            ExcessiveHours => ("Excessive hours", Some("excessive overtime")),
            NoRestDay => ("No rest day", Some("abusive working and living conditions")),
            UnsafeWorkAndInjury => (
                "Unsafe work and injury",
                Some("abusive working and living conditions"),
            ),
            PhysicalOrSexualAbuse => (
                "Physical or sexual abuse",
                Some("physical and sexual violence"),
            ),
            Harassment => ("Harassment", Some("intimidation and threats")),
            ThreatsOfDenunciation => (
                "Threats of denunciation or deportation",
                Some("intimidation and threats"),
            ),
            RestrictedMovement => ("Restricted movement", Some("restriction of movement")),
            Isolation => ("Isolation", Some("isolation")),
            AbuseOfVulnerability => ("Abuse of vulnerability", Some("abuse of vulnerability")),
            DebtBondage => ("Debt bondage", Some("debt bondage")),
            TraffickingIndicators => ("Trafficking indicators", Some("deception")),
            SocialSecurityAndCompensation => ("Social security and compensation", None),
            UnfairDismissal => ("Unfair dismissal", None),
            Other => ("Other", None),
        };
        CategoryInfo {
            code: self,
            label,
            forced_labour_indicator: indicator,
        }
    }
}

/// A danger that puts a case at the top of every queue.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskFlag {
    Trafficking,
    Violence,
    Detention,
    ChildLabour,
    HealthEmergency,
}

impl RiskFlag {
    pub const ALL: [RiskFlag; 5] = [
        RiskFlag::Trafficking,
        RiskFlag::Violence,
        RiskFlag::Detention,
        RiskFlag::ChildLabour,
        RiskFlag::HealthEmergency,
    ];
}

/// The whole taxonomy, as `GET /api/v1/cases/taxonomy` serves it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Taxonomy {
    pub categories: Vec<CategoryInfo>,
    pub risk_flags: Vec<RiskFlag>,
}

pub fn taxonomy() -> Taxonomy {
    Taxonomy {
        categories: Category::ALL.iter().map(|c| c.info()).collect(),
        risk_flags: RiskFlag::ALL.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_is_listed_once_and_its_code_round_trips() {
        let mut seen = std::collections::HashSet::new();
        for c in Category::ALL {
            assert!(seen.insert(c));
            let code = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Category>(&code).unwrap(), c);
        }
        assert!(serde_json::from_str::<Category>("\"stolen_bicycle\"").is_err());
    }
}
