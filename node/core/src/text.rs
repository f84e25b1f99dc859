//! The one check for free text the API and the pages accept: a size limit
//! in bytes, and no control characters. Narratives, notes and messages may
//! hold line breaks and tabs; names, codes and one-line fields may not.

use crate::error::{NodeError, Result};

fn check(field: &str, value: &str, max: usize, line_breaks: bool) -> Result<()> {
    if value.len() > max {
        return Err(NodeError::Invalid(format!(
            "{field} is {} bytes; at most {max}",
            value.len()
        )));
    }
    let allowed = |c: char| line_breaks && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        let what = if line_breaks {
            "control characters"
        } else {
            "line breaks or control characters"
        };
        return Err(NodeError::Invalid(format!("{field} contains {what}")));
    }
    Ok(())
}

fn not_empty(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(NodeError::Invalid(format!("{field} is empty")));
    }
    Ok(())
}

/// Text that may span lines (a narrative, a note, a message).
pub(crate) fn check_text(field: &str, value: &str, max: usize) -> Result<()> {
    check(field, value, max, true)
}

/// Like [`check_text`], and not empty.
pub(crate) fn check_required(field: &str, value: &str, max: usize) -> Result<()> {
    not_empty(field, value)?;
    check_text(field, value, max)
}

/// One line of text (a name, a reason, a legal basis).
pub(crate) fn check_line(field: &str, value: &str, max: usize) -> Result<()> {
    check(field, value, max, false)
}

/// Like [`check_line`], and not empty.
pub(crate) fn required_line(field: &str, value: &str, max: usize) -> Result<()> {
    not_empty(field, value)?;
    check_line(field, value, max)
}

/// `2026-11-28` for a time.
pub fn day_string(t: unionfed_protocol::Timestamp) -> String {
    // Howard Hinnant's civil_from_days.
    let z = (t.secs() / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The start (00:00 UTC) of a `2026-11-28` day; `None` for anything else,
/// including days that do not exist (2026-02-30).
pub fn parse_day(text: &str) -> Option<unionfed_protocol::Timestamp> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let t = unionfed_protocol::Timestamp(u64::try_from(days).ok()? * 86_400);
    // A day past the month's end comes back as another day.
    (day_string(t) == text).then_some(t)
}

/// A cell of an exported CSV file that a spreadsheet shows as text, never
/// runs: a value starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return (what Excel, LibreOffice and Sheets read as a formula, e.g. a
/// sector typed as `=HYPERLINK(...)` on the public form) gets a leading
/// apostrophe. Every CSV the node writes passes its cells through here.
pub fn csv_cell(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_kept_as_text() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(csv_cell(bad.to_owned()), format!("'{bad}"));
        }
        assert_eq!(csv_cell("construction".into()), "construction");
        assert_eq!(csv_cell(String::new()), "");
    }

    #[test]
    fn text_and_lines() {
        assert!(check_text("note", "two\nlines\tand a tab", 100).is_ok());
        assert!(check_text("note", "bell\u{7}", 100).is_err());
        assert!(check_line("name", "two\nlines", 100).is_err());
        assert!(check_line("name", "Siti Rahma", 100).is_ok());
        assert!(check_line("name", "Siti", 3).is_err());
        assert!(required_line("reason", "   ", 100).is_err());
        assert!(check_required("description", "\n", 100).is_err());
        let e = check_line("name", "a\u{0}b", 100).unwrap_err().to_string();
        assert!(
            e.contains("name contains line breaks or control characters"),
            "{e}"
        );
    }
}
