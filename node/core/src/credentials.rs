//! Who a credential stands for. Above the areas, because credentials come
//! from two of them: the node's admin token and staff's personal API
//! tokens (accounts), and partner organisations' tokens (the case desk).
//! The doors call this once per request and hand the principal to the
//! domain, which decides through the one policy (`access`).

use crate::access::Principal;
use crate::error::Result;
use crate::node::NodeState;

/// The principal a bearer token stands for: the admin token, a personal
/// API token of an enabled account, or a partner's token; `None` for a
/// token this node does not know (or that was revoked).
pub fn principal_of_token(state: &NodeState, token: &str) -> Result<Option<Principal>> {
    let accounts = state.accounts();
    if accounts.is_admin_token(token) {
        return Ok(Some(Principal::AdminToken));
    }
    if let Some((user, record)) = accounts.api_token_user(token)? {
        return Ok(Some(user.principal(Some(record.id))));
    }
    Ok(state
        .cases()
        .partner_by_token(token)?
        .map(|p| Principal::Partner {
            id: p.id,
            name: p.name,
        }))
}
