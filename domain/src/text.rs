//! Small shared parsers for free text fields.

/// Trims, then checks length in characters (not bytes): a person counts characters.
pub fn required_line(input: &str, what: &str, max: usize) -> Result<String, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err(format!("{what} is required."));
    }
    if t.contains(['\n', '\r']) {
        return Err(format!("{what} must be a single line."));
    }
    let n = t.chars().count();
    if n > max {
        return Err(format!(
            "{what} is too long: {n} characters, at most {max}."
        ));
    }
    Ok(t.to_owned())
}

pub fn optional_line(input: &str, what: &str, max: usize) -> Result<String, String> {
    if input.trim().is_empty() {
        Ok(String::new())
    } else {
        required_line(input, what, max)
    }
}

/// Multi-line text such as Markdown: kept as written (only trailing whitespace trimmed).
pub fn long_text(input: &str, what: &str, max: usize) -> Result<String, String> {
    let t = input.trim_end();
    let n = t.chars().count();
    if n > max {
        return Err(format!(
            "{what} is too long: {n} characters, at most {max}."
        ));
    }
    Ok(t.to_owned())
}

/// Percent-encodes a query value (keeps unreserved characters and `/`).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_line_trims_and_limits() {
        assert_eq!(required_line("  Plan  ", "Title", 10).unwrap(), "Plan");
        assert!(
            required_line("   ", "Title", 10)
                .unwrap_err()
                .contains("required")
        );
        assert!(
            required_line("a\nb", "Title", 10)
                .unwrap_err()
                .contains("single line")
        );
        assert!(
            required_line("ééééééééééé", "Title", 10)
                .unwrap_err()
                .contains("11 characters")
        );
        assert_eq!(
            required_line("éééééééééé", "Title", 10)
                .unwrap()
                .chars()
                .count(),
            10
        );
    }

    #[test]
    fn urlencode_escapes_what_it_must() {
        assert_eq!(urlencode("/h/x?a=b&c"), "/h/x%3Fa%3Db%26c");
        assert_eq!(urlencode("é"), "%C3%A9");
    }

    #[test]
    fn long_text_limits() {
        assert_eq!(long_text("a\nb\n\n", "Description", 5).unwrap(), "a\nb");
        assert!(long_text("abcdef", "Description", 5).is_err());
    }
}
