//! Money: exact amounts in a currency's minor units (cents), never floats.
//!
//! A currency is an ISO 4217 code. On the server the code is checked against the
//! standard's list (the `iso_currency` crate, generated from ISO's table), which also
//! says how many decimals it has (EUR 2, JPY 0, BHD 3). In the browser only its shape is
//! checked; the server's answer is the one that counts.

use serde::{Deserialize, Serialize};

/// The largest amount anything here may be, in major units (a hackfest's whole budget).
pub const MAJOR_MAX: i64 = 10_000_000;

/// An ISO 4217 code with its number of decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    pub exponent: u32,
}

impl Currency {
    /// `EUR`, `usd ` → EUR. An unknown code is an error naming it.
    pub fn parse(input: &str, field: &str) -> Result<Currency, String> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(format!(
                "{field}: a currency is required, as its ISO 4217 code (EUR, USD, CZK)."
            ));
        }
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(format!(
                "{field}: “{}” is not an ISO 4217 currency code; write three letters, such as EUR, USD or CZK.",
                crate::text::shown_up_to(input.trim(), 20)
            ));
        }
        let exponent = exponent_of(&code).ok_or_else(|| {
            format!("{field}: {code} is not an ISO 4217 currency of money; write one such as EUR, USD or CZK.")
        })?;
        Ok(Currency {
            code: [bytes[0], bytes[1], bytes[2]],
            exponent,
        })
    }

    /// A code already stored (parsed when it was written).
    pub fn stored(code: &str) -> Currency {
        Currency::parse(code, "currency").unwrap_or(Currency {
            code: *b"XXX",
            exponent: 2,
        })
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Minor units per major unit: 100 for EUR, 1 for JPY.
    pub fn scale(&self) -> i64 {
        10_i64.pow(self.exponent)
    }

    /// An amount as typed (`1,234.50`, `420`) in minor units; `field` names it in errors.
    /// Negative amounts, more decimals than the currency has, and amounts over
    /// [`MAJOR_MAX`] are errors.
    pub fn amount(&self, input: &str, field: &str) -> Result<i64, String> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}'))
            .collect();
        if s.is_empty() {
            return Err(format!("{field}: an amount is required."));
        }
        if s.starts_with('-') {
            return Err(format!("{field}: an amount cannot be negative."));
        }
        let s = s.strip_prefix('+').unwrap_or(&s);
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) {
            return Err(format!(
                "{field}: “{}” is not an amount; write it like 420 or 1,234.50.",
                crate::text::shown_up_to(input.trim(), 30)
            ));
        }
        if frac.len() > self.exponent as usize {
            return Err(match self.exponent {
                0 => format!(
                    "{field}: {} has no minor unit; write a whole number.",
                    self.code()
                ),
                n => format!("{field}: {} has {n} decimals at most.", self.code()),
            });
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 8 || whole.parse::<i64>().unwrap_or(0) > MAJOR_MAX {
            return Err(format!(
                "{field}: at most {} {}.",
                self.code(),
                self.format(MAJOR_MAX * self.scale())
            ));
        }
        let major: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().unwrap_or(0)
        };
        let mut minor: i64 = 0;
        for i in 0..self.exponent as usize {
            let d = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
            minor = minor * 10 + d;
        }
        let total = major * self.scale() + minor;
        if total > MAJOR_MAX * self.scale() {
            return Err(format!(
                "{field}: at most {} {}.",
                self.code(),
                self.format(MAJOR_MAX * self.scale())
            ));
        }
        Ok(total)
    }

    /// `1,234.50` (no code).
    pub fn format(&self, minor: i64) -> String {
        let neg = minor < 0;
        let m = minor.unsigned_abs();
        let scale = self.scale().unsigned_abs();
        let major = (m / scale).to_string();
        let mut grouped = String::new();
        for (i, c) in major.chars().enumerate() {
            if i > 0 && (major.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let mut out = if neg { format!("-{grouped}") } else { grouped };
        if self.exponent > 0 {
            out.push_str(&format!(
                ".{:0width$}",
                m % scale,
                width = self.exponent as usize
            ));
        }
        out
    }

    /// `EUR 1,234.50`.
    pub fn show(&self, minor: i64) -> String {
        format!("{} {}", self.code(), self.format(minor))
    }

    /// As a form shows it for editing: `1234.50`.
    pub fn plain(&self, minor: i64) -> String {
        self.format(minor).replace(',', "")
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The decimals of an ISO 4217 currency of money (funds and metals have none).
#[cfg(feature = "server")]
fn exponent_of(code: &str) -> Option<u32> {
    let c = iso_currency::Currency::from_code(code)?;
    c.exponent().map(u32::from)
}

/// In the browser: any three letters; the common currencies without decimals have 0.
#[cfg(not(feature = "server"))]
fn exponent_of(code: &str) -> Option<u32> {
    Some(match code {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "PYG" | "UGX" | "XAF" | "XOF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => 3,
        _ => 2,
    })
}

/// What a budget is split into; every item of a request is one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Travel,
    Lodging,
    Other,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Travel, Category::Lodging, Category::Other];

    pub fn label(self) -> &'static str {
        match self {
            Category::Travel => "Travel",
            Category::Lodging => "Lodging",
            Category::Other => "Other",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Category::Travel => "travel",
            Category::Lodging => "lodging",
            Category::Other => "other",
        }
    }
}

/// An amount per category, in one currency's minor units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    pub travel: i64,
    pub lodging: i64,
    pub other: i64,
}

impl Amounts {
    pub fn get(&self, c: Category) -> i64 {
        match c {
            Category::Travel => self.travel,
            Category::Lodging => self.lodging,
            Category::Other => self.other,
        }
    }

    pub fn slot(&mut self, c: Category) -> &mut i64 {
        match c {
            Category::Travel => &mut self.travel,
            Category::Lodging => &mut self.lodging,
            Category::Other => &mut self.other,
        }
    }

    pub fn total(&self) -> i64 {
        self.travel + self.lodging + self.other
    }

    pub fn plus(mut self, o: &Amounts) -> Amounts {
        self.travel += o.travel;
        self.lodging += o.lodging;
        self.other += o.other;
        self
    }

    /// `travel EUR 420.00, lodging EUR 300.00, other EUR 0.00` (history, CSV).
    pub fn shown(&self, c: &Currency) -> String {
        Category::ALL
            .iter()
            .map(|k| format!("{} {}", k.key(), c.show(self.get(*k))))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The three amounts as typed into a form's `<prefix>_travel`, `_lodging`, `_other`
    /// fields (empty is zero); errors name each field.
    pub fn parse(
        c: &Currency,
        prefix: &str,
        [travel, lodging, other]: [&str; 3],
        errors: &mut crate::FieldErrors,
    ) -> Amounts {
        let mut out = Amounts::default();
        for (k, v) in Category::ALL.into_iter().zip([travel, lodging, other]) {
            let field = format!("{prefix}_{}", k.key());
            let label = format!("{} ({})", prefix_label(prefix), k.key());
            if v.trim().is_empty() {
                continue;
            }
            if let Some(a) = errors.check(&field, c.amount(v, &label)) {
                *out.slot(k) = a;
            }
        }
        out
    }
}

fn prefix_label(prefix: &str) -> &str {
    match prefix {
        "approved" => "Approved",
        "reimbursed" => "Reimbursed",
        "budget" => "Budget",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("eur", "c").unwrap()
    }

    #[test]
    fn amounts_parse_exactly() {
        let e = eur();
        assert_eq!(e.amount("420", "a"), Ok(42_000));
        assert_eq!(e.amount("1,234.5", "a"), Ok(123_450));
        assert_eq!(e.amount("0.07", "a"), Ok(7));
        assert_eq!(e.amount(".5", "a"), Ok(50));
        assert!(e.amount("-1", "a").unwrap_err().contains("negative"));
        assert!(e.amount("1.234", "a").unwrap_err().contains("2 decimals"));
        assert!(e.amount("1e9", "a").is_err());
        assert!(e.amount("NaN", "a").is_err());
        assert!(
            e.amount("99999999999999999999", "a")
                .unwrap_err()
                .contains("at most")
        );
        assert!(e.amount("10000000.01", "a").is_err());
        assert_eq!(e.amount("10000000", "a"), Ok(1_000_000_000));
        assert!(e.amount("", "a").is_err());
        assert!(e.amount(".", "a").is_err());
    }

    #[test]
    fn currencies_are_iso_4217() {
        assert_eq!(Currency::parse(" usd", "c").unwrap().code(), "USD");
        let jpy = Currency::parse("JPY", "c").unwrap();
        assert_eq!(jpy.exponent, 0);
        assert!(jpy.amount("12.5", "a").unwrap_err().contains("whole"));
        assert!(
            Currency::parse("EU", "Currency")
                .unwrap_err()
                .starts_with("Currency:")
        );
        assert!(Currency::parse("€", "c").is_err());
        #[cfg(feature = "server")]
        {
            assert!(Currency::parse("ABC", "c").unwrap_err().contains("ABC"));
            // Gold is ISO 4217 but not money.
            assert!(Currency::parse("XAU", "c").is_err());
            assert_eq!(Currency::parse("BHD", "c").unwrap().exponent, 3);
        }
    }

    #[test]
    fn formats_group_thousands() {
        let e = eur();
        assert_eq!(e.show(123_456_789), "EUR 1,234,567.89");
        assert_eq!(e.format(5), "0.05");
        assert_eq!(e.format(-150), "-1.50");
        assert_eq!(e.plain(123_450), "1234.50");
        let jpy = Currency::parse("JPY", "c").unwrap();
        assert_eq!(jpy.show(1500), "JPY 1,500");
    }
}
