//! Small shared parsers for free text fields.

/// `as_str`, `label`, `ALL` and `parse` for an enum stored as text.
#[macro_export]
macro_rules! text_enum {
    ($t:ident, $what:literal, { $($v:ident => $s:literal, $label:literal;)+ }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($t::$v => $label),+ }
            }

            pub fn parse(input: &str) -> Result<$t, String> {
                match input.trim() {
                    $($s => Ok($t::$v),)+
                    "" => Err(format!("{} is required.", $what)),
                    other => Err(format!(
                        "{} \"{}\" is not one of: {}.",
                        $what,
                        $crate::text::shown(other),
                        [$($s),+].join(", ")
                    )),
                }
            }
        }

        // Stored as its text form; a value outside the list is a corrupted row.
        #[cfg(feature = "server")]
        impl<DB: ::sqlx::Database> ::sqlx::Type<DB> for $t
        where
            String: ::sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as ::sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as ::sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "server")]
        impl<'r, DB: ::sqlx::Database> ::sqlx::Decode<'r, DB> for $t
        where
            String: ::sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as ::sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, ::sqlx::error::BoxDynError> {
                let s = <String as ::sqlx::Decode<'r, DB>>::decode(value)?;
                Ok($t::parse(&s)?)
            }
        }

        #[cfg(feature = "server")]
        impl<'q, DB: ::sqlx::Database> ::sqlx::Encode<'q, DB> for $t
        where
            &'q str: ::sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as ::sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                <&'q str as ::sqlx::Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A person's input quoted in a message: at most 40 characters, control characters
/// written as escapes, so an answer never echoes megabytes or terminal codes.
pub fn shown(input: &str) -> String {
    shown_up_to(input, 40)
}

/// [`shown`] with another length.
pub fn shown_up_to(input: &str, max: usize) -> String {
    let mut out: String = input
        .chars()
        .take(max)
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if input.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// The non-empty lines of a one-per-line field (closed periods, items, hotels),
/// trimmed, each with its 1-based line number as the person sees it in the textarea.
pub fn numbered_lines(input: &str) -> impl Iterator<Item = (usize, &str)> {
    input
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(n, l)| (n + 1, l))
}

/// Whether `key` (a slug or name from a URL or an argument) can match a stored one:
/// short and free of control characters. Lookups answer "not found" otherwise,
/// without asking the database (PostgreSQL refuses NUL in text with an error).
pub fn lookup_key(key: &str) -> bool {
    key.len() <= 400 && !key.chars().any(char::is_control)
}

/// Refuses control characters (NUL, ESC, DEL, C1 controls…) other than those listed
/// in `allowed`: they break terminals, logs and feeds, and nobody types them.
pub fn no_controls(t: &str, what: &str, allowed: &[char]) -> Result<(), String> {
    match t.chars().find(|c| c.is_control() && !allowed.contains(c)) {
        Some(c) => Err(format!(
            "{what} contains a control character (U+{:04X}); remove it.",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// Trims, then checks length in characters (not bytes): a person counts characters.
pub fn required_line(input: &str, what: &str, max: usize) -> Result<String, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err(format!("{what} is required."));
    }
    if t.contains(['\n', '\r']) {
        return Err(format!("{what} must be a single line."));
    }
    no_controls(t, what, &['\t'])?;
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
/// Browsers send a textarea's line ends as CRLF; they are kept as LF.
pub fn long_text(input: &str, what: &str, max: usize) -> Result<String, String> {
    let t = input.trim_end();
    // Counted before anything is copied: a huge input is refused cheaply.
    let n = t.chars().count();
    if n > max {
        return Err(format!(
            "{what} is too long: {n} characters, at most {max}."
        ));
    }
    no_controls(t, what, &['\t', '\n', '\r'])?;
    Ok(if t.contains('\r') {
        t.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        t.to_owned()
    })
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

/// Text for XML character data and attribute values: markup escaped, and the
/// characters XML 1.0 cannot hold (controls but tab, LF, CR) dropped.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_what_xml_cannot_hold_dropped() {
        assert_eq!(
            xml("<a b=\"c\">&'\u{1}\u{ffff}"),
            "&lt;a b=&quot;c&quot;&gt;&amp;&apos;"
        );
    }

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
    fn shown_input_is_short_and_inert() {
        assert_eq!(shown("a\0b"), "a\\u{0}b");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 41);
    }

    #[test]
    fn control_characters_are_refused() {
        for bad in ["a\0b", "a\u{1b}[31mred", "a\u{7f}", "a\u{85}b", "a\u{9b}b"] {
            let e = required_line(bad, "Title", 100).unwrap_err();
            assert!(e.starts_with("Title contains a control character"), "{e}");
            assert!(long_text(bad, "Notes", 100).is_err(), "{bad:?}");
        }
        assert_eq!(required_line("a\tb", "Title", 10).unwrap(), "a\tb");
        assert_eq!(optional_line("", "Room", 10).unwrap(), "");
        assert!(optional_line("\0", "Room", 10).is_err());
        assert_eq!(
            long_text("a\r\nb\tc\rd", "Notes", 100).unwrap(),
            "a\nb\tc\nd"
        );
    }

    #[test]
    fn long_text_limits() {
        assert_eq!(long_text("a\nb\n\n", "Description", 5).unwrap(), "a\nb");
        assert!(long_text("abcdef", "Description", 5).is_err());
    }
}
