//! Partners: a labour ministry, an embassy, a shelter or an NGO that refers
//! workers to the union ("reverse referral") through an API token. A token
//! has scopes, and a partner sees only the referrals it made.

use super::CaseDesk;
use super::{
    check_required, Case, CaseId, CaseKind, CaseStatus, Channel, NewCase, Outcome, MAX_FIELD,
};
use crate::access::{Action, Principal};
use crate::accounts::{random_hex, token_hash};
use crate::error::{NodeError, Result};
use crate::node::now;
use serde::{Deserialize, Serialize};
use unionfed_protocol::{CountryCode, HandoffId, Timestamp};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    LabourMinistry,
    Embassy,
    LabourAttache,
    Shelter,
    Ngo,
    LegalAid,
    Other,
}

/// What a partner's token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerScope {
    /// Refer a worker to the union.
    CreateReferrals,
    /// Read the status of the referrals this partner made.
    ReadOwnReferrals,
    /// See the cases the union referred to this partner's services, and
    /// report what became of them.
    UpdateReferralsToUs,
}

/// A partner as this node keeps it. Neither the token nor its hash is
/// here: the store finds a partner by the SHA-256 of its token through an
/// index of its own.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Partner {
    #[schema(value_type = String)]
    pub id: HandoffId,
    pub name: String,
    pub kind: PartnerKind,
    #[schema(value_type = Option<String>)]
    pub country: Option<CountryCode>,
    pub scopes: Vec<PartnerScope>,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<u64>)]
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartner {
    pub name: String,
    pub kind: PartnerKind,
    #[schema(value_type = Option<String>)]
    pub country: Option<CountryCode>,
    /// Both scopes when absent.
    pub scopes: Option<Vec<PartnerScope>>,
}

/// A new partner and its token, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedPartner {
    pub partner: Partner,
    /// Give it to the partner over a safe channel; only its hash is kept.
    pub token: String,
}

/// What a partner sees of a referral it made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnReferral {
    #[schema(value_type = String)]
    pub id: CaseId,
    pub reference: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub outcome: Option<Outcome>,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
    #[schema(value_type = u64)]
    pub updated_at: Timestamp,
}

impl Case {
    pub fn referral_status(&self) -> OwnReferral {
        OwnReferral {
            id: self.id,
            reference: self.reference.clone(),
            kind: self.kind,
            status: self.status,
            outcome: self.outcome,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

impl Partner {
    pub fn may(&self, scope: PartnerScope) -> Result<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            let what = match scope {
                PartnerScope::CreateReferrals => "create referrals",
                PartnerScope::ReadOwnReferrals => "read referrals",
                PartnerScope::UpdateReferralsToUs => "see or update referrals to this partner",
            };
            Err(NodeError::Forbidden(format!(
                "partner {} ({}) may not {what}; ask the union to add that scope to its token",
                self.id, self.name
            )))
        }
    }
}

impl CaseDesk<'_> {
    pub async fn add_partner(self, who: &Principal, input: NewPartner) -> Result<CreatedPartner> {
        let work = self.add_partner_unchecked(input);
        self.guarded(who, Action::ChangePartners, "partners", "add_partner", work)
            .await
    }

    async fn add_partner_unchecked(self, input: NewPartner) -> Result<CreatedPartner> {
        check_required("name", &input.name, MAX_FIELD)?;
        crate::countries::check(input.country, "country")?;
        let scopes = input.scopes.unwrap_or_else(|| {
            vec![
                PartnerScope::CreateReferrals,
                PartnerScope::ReadOwnReferrals,
                PartnerScope::UpdateReferralsToUs,
            ]
        });
        if scopes.is_empty() {
            return Err(NodeError::Invalid(
                "a partner token needs at least one scope".into(),
            ));
        }
        let token = format!("ufp_{}", random_hex(32));
        let partner = Partner {
            id: HandoffId::random(),
            name: input.name.trim().to_owned(),
            kind: input.kind,
            country: input.country,
            scopes,
            created_at: now(),
            revoked_at: None,
        };
        super::store::put_new_partner(&self.store, &partner, &token_hash(&token))?;
        self.store.flush().await?;
        Ok(CreatedPartner { partner, token })
    }

    /// The partners and their scopes, for an admin.
    pub fn list_partners(self, who: &Principal) -> Result<Vec<Partner>> {
        let grant = self.allow(who, Action::ReadPartners, "partners")?;
        let found = self.partners()?;
        grant.done(&self, "partners", None);
        Ok(found)
    }

    pub(crate) fn partners(self) -> Result<Vec<Partner>> {
        super::store::partners(&self.store)
    }

    /// The partner `who` stands for, if the policy lets it act as one and
    /// its token is still in force.
    pub(crate) fn partner_for(
        self,
        who: &Principal,
        scope: PartnerScope,
    ) -> Result<(crate::access::Grant, Partner)> {
        let grant = self.allow(who, Action::PartnerReferrals, "partner referrals")?;
        let Principal::Partner { id, .. } = who else {
            return Err(NodeError::Forbidden(
                "only a partner's token acts as a partner".into(),
            ));
        };
        let partner = self
            .partners()?
            .into_iter()
            .find(|p| &p.id == id && p.revoked_at.is_none())
            .ok_or_else(|| NodeError::Forbidden(format!("partner {id} was revoked")))?;
        if let Err(e) = partner.may(scope) {
            // A scope the token lacks is a refusal like any other.
            grant.done_as(
                &self,
                "refused_partner_referrals",
                "partner referrals",
                Some(e.to_string()),
            );
            return Err(e);
        }
        Ok((grant, partner))
    }

    /// Revokes a partner's token at once; its referrals stay.
    pub async fn revoke_partner(self, who: &Principal, id: &HandoffId) -> Result<Partner> {
        let target = id.to_string();
        let work = self.revoke_partner_unchecked(id);
        self.guarded(who, Action::ChangePartners, &target, "revoke_partner", work)
            .await
    }

    async fn revoke_partner_unchecked(self, id: &HandoffId) -> Result<Partner> {
        let mut partner = self
            .partners()?
            .into_iter()
            .find(|p| &p.id == id)
            .ok_or_else(|| NodeError::NotFound {
                what: "partner",
                id: id.to_string(),
            })?;
        if partner.revoked_at.is_none() {
            partner.revoked_at = Some(now());
            super::store::put_partner(&self.store, &partner)?;
            self.store.flush().await?;
        }
        Ok(partner)
    }

    /// The partner holding `token`, if its token is in force.
    pub fn partner_by_token(self, token: &str) -> Result<Option<Partner>> {
        Ok(
            super::store::partner_by_token_hash(&self.store, &token_hash(token))?
                .filter(|p| p.revoked_at.is_none()),
        )
    }

    /// A partner refers a worker to the union.
    pub async fn partner_referral(self, who: &Principal, input: NewCase) -> Result<Case> {
        let (grant, partner) = self.partner_for(who, PartnerScope::CreateReferrals)?;
        let case = self.partner_referral_of(&partner, input).await?;
        grant.done_as(&self, "partner_referral", &case.id.to_string(), None);
        Ok(case)
    }

    async fn partner_referral_of(self, partner: &Partner, input: NewCase) -> Result<Case> {
        if input.member.is_some() {
            return Err(NodeError::Invalid(
                "a partner refers a worker by name and contact, not by member id".into(),
            ));
        }
        let actor = format!("partner {}", partner.name);
        self.open_case(
            input,
            Channel::Partner {
                partner: partner.id,
            },
            &actor,
            now(),
            None,
        )
        .await
    }

    /// The referrals `partner` made, newest first.
    pub fn partner_referrals(self, who: &Principal) -> Result<Vec<OwnReferral>> {
        let (grant, partner) = self.partner_for(who, PartnerScope::ReadOwnReferrals)?;
        grant.done(&self, "partner referrals", None);
        let mut own: Vec<Case> = super::store::cases(&self.store)?
            .into_iter()
            .filter(|c| {
                c.channel
                    == Channel::Partner {
                        partner: partner.id,
                    }
            })
            .collect();
        own.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        Ok(own.iter().map(Case::referral_status).collect())
    }

    /// One referral `partner` made; any other case is "not found".
    pub fn partner_referral_status(self, who: &Principal, id: &CaseId) -> Result<OwnReferral> {
        let (grant, partner) = self.partner_for(who, PartnerScope::ReadOwnReferrals)?;
        grant.done(&self, &id.to_string(), None);
        match super::store::case(&self.store, id)? {
            Some(c)
                if c.channel
                    == (Channel::Partner {
                        partner: partner.id,
                    }) =>
            {
                Ok(c.referral_status())
            }
            _ => Err(NodeError::NotFound {
                what: "referral",
                id: id.to_string(),
            }),
        }
    }
}
