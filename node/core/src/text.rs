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
