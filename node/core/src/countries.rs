//! Which two-letter codes are countries. The protocol reads any two
//! upper-case letters (what a peer signed stays readable); what this node
//! accepts as new input, through any door, must be a country of ISO 3166-1,
//! so that "MA" typed for Malaysia cannot become Morocco unnoticed: people
//! choose countries from a list of names (the catalogs' `country-XX`), and
//! a code that names no country is refused here.

use crate::error::{NodeError, Result};
use unionfed_protocol::CountryCode;

mod iso3166;

/// Every country code of ISO 3166-1 alpha-2, sorted.
pub use iso3166::CODES;

/// The countries the federation's workers come from and go to, offered
/// first in every list: the ASEAN members, then the usual destinations
/// beyond them.
pub const REGION: [&str; 20] = [
    "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN", "HK", "TW", "KR", "JP", "SA",
    "AE", "QA", "KW", "OM",
];

/// Whether `code` names a country of ISO 3166-1.
pub fn is_country(code: CountryCode) -> bool {
    CODES.binary_search(&code.as_str()).is_ok()
}

/// Refuses a code that names no country, saying which field held it.
pub fn check(code: Option<CountryCode>, field: &str) -> Result<()> {
    match code {
        Some(c) if !is_country(c) => Err(NodeError::Invalid(format!(
            "{field}: {c} is not a country of ISO 3166-1; choose the country from the list \
             (for example MY is Malaysia, MA is Morocco)"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_holds_the_region() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
        for c in REGION {
            assert!(is_country(c.parse().unwrap()), "{c}");
        }
    }

    #[test]
    fn a_code_that_is_no_country_is_refused_with_the_field() {
        check(Some("MY".parse().unwrap()), "origin country").unwrap();
        check(None, "origin country").unwrap();
        let e = check(Some("XX".parse().unwrap()), "origin country").unwrap_err();
        assert!(e.to_string().contains("origin country: XX"), "{e}");
    }
}
