//! Numbers as Terraform carries them: arbitrary-precision decimals.
//!
//! Terraform's numbers are big floats. On the wire they arrive as a msgpack integer when
//! they fit in 64 bits, as a float64 when that is exact, and otherwise as decimal text. A
//! [`Number`] keeps the cheapest exact form: `Int`, then `Float`, then `Big` text.
//! Equality is numeric, so `Int(1)` equals `Float(1.0)` and `Big("1.0")`.

use std::cmp::Ordering;
use std::fmt;

/// A number value.
#[derive(Clone, Debug)]
pub enum Number {
    /// An integer that fits in an `i64`.
    Int(i64),
    /// A number exactly representable as an `f64`.
    Float(f64),
    /// Exact decimal text for numbers beyond `i64` and `f64`, such as `"0.1"` or `"1e400"`.
    Big(String),
}

impl Number {
    /// The number written in `text` (decimal, optional fraction and exponent), in its cheapest
    /// exact form; `None` if the text is not a decimal number.
    pub fn parse(text: &str) -> Option<Number> {
        let text = text.trim();
        Decimal::parse(text)?;
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() && Decimal::parse(text) == Decimal::of_f64(f) => {
                Some(Number::from_f64(f))
            }
            _ => Some(Number::Big(text.to_owned())),
        }
    }

    /// An unsigned integer in its cheapest exact form.
    pub fn from_u64(u: u64) -> Number {
        if let Ok(i) = i64::try_from(u) {
            return Number::Int(i);
        }
        let f = u as f64;
        // Compare in u128: converting 2^64 back to u64 would saturate and look exact.
        if f as u128 == u128::from(u) {
            Number::Float(f)
        } else {
            Number::Big(u.to_string())
        }
    }

    /// A 128-bit integer in its cheapest exact form.
    pub fn from_i128(i: i128) -> Number {
        match i64::try_from(i) {
            Ok(i) => Number::Int(i),
            Err(_) => Number::parse(&i.to_string()).unwrap_or(Number::Big(i.to_string())),
        }
    }

    /// A float; integral floats that fit in `i64` become `Int`.
    pub fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && f >= -(2f64.powi(63)) && f < 2f64.powi(63) {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }

    /// The number as an `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(_) => match Number::from_f64(self.as_f64()) {
                Number::Int(i) => Some(i),
                _ => None,
            },
            Number::Big(text) => match Number::parse(text)? {
                Number::Int(i) => Some(i),
                _ => None,
            },
        }
    }

    /// The number as the nearest `f64` (may round `Big` numbers).
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Big(text) => text.trim().parse().unwrap_or(f64::NAN),
        }
    }

    /// The number as an `i128`, if it is an integer in range.
    pub(crate) fn as_i128(&self) -> Option<i128> {
        match self {
            Number::Int(i) => Some(i128::from(*i)),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 2f64.powi(127) => Some(*f as i128),
            Number::Float(_) => None,
            Number::Big(text) => text.trim().parse().ok(),
        }
    }

    /// The number as a `u128`, if it is a non-negative integer in range.
    pub(crate) fn as_u128(&self) -> Option<u128> {
        match self {
            Number::Big(text) => text.trim().parse().ok(),
            _ => self.as_i128().and_then(|i| u128::try_from(i).ok()),
        }
    }

    /// Whether the number is an integer, whatever its size.
    pub fn is_integer(&self) -> bool {
        match self {
            Number::Int(_) => true,
            Number::Float(f) => f.fract() == 0.0,
            Number::Big(text) => Decimal::parse(text).is_some_and(|d| d.is_integer()),
        }
    }

    /// Decimal text as valid JSON number text: kept verbatim when JSON allows it, otherwise
    /// rewritten as digits and exponent (`.5` becomes `5e-1`); `None` if not a number.
    pub(crate) fn json_text(text: &str) -> Option<String> {
        let text = text.trim();
        let d = Decimal::parse(text)?;
        if is_json_number(text) {
            return Some(text.to_owned());
        }
        if d.digits.is_empty() {
            return Some("0".to_owned());
        }
        let sign = if d.negative { "-" } else { "" };
        Some(format!("{sign}{}e{}", d.digits, d.exponent))
    }

    fn decimal(&self) -> Option<Decimal> {
        match self {
            Number::Int(i) => Decimal::parse(&i.to_string()),
            Number::Float(f) => Decimal::of_f64(*f),
            Number::Big(text) => Decimal::parse(text),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            (Number::Int(i), Number::Float(f)) | (Number::Float(f), Number::Int(i)) => {
                Number::from_f64(*f).as_i64() == Some(*i) && f.fract() == 0.0
            }
            _ => match (self.decimal(), other.decimal()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        if self == other {
            return Some(Ordering::Equal);
        }
        self.as_f64().partial_cmp(&other.as_f64())
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Big(text) => f.write_str(text.trim()),
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number::Int(i)
    }
}

impl From<f64> for Number {
    fn from(f: f64) -> Number {
        Number::Float(f)
    }
}

/// Whether text follows JSON's number grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    digits(whole)
        && (whole == "0" || !whole.starts_with('0'))
        && fraction.is_none_or(digits)
        && exponent_ok
}

/// A decimal in normal form: sign, significant digits without leading or trailing zeros, and
/// the power of ten of the last digit. Zero has no digits and no sign.
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Decimal {
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }

        let joined = format!("{whole}{fraction}");
        let significant = joined.trim_start_matches('0');
        let trimmed = significant.trim_end_matches('0');
        let trailing_zeros = (significant.len() - trimmed.len()) as i64;
        let exponent = exponent.checked_sub(fraction.len() as i64)? + trailing_zeros;
        if trimmed.is_empty() {
            return Some(Decimal {
                negative: false,
                digits: String::new(),
                exponent: 0,
            });
        }
        Some(Decimal {
            negative,
            digits: trimmed.to_owned(),
            exponent,
        })
    }

    /// The exact decimal value of a float; every finite `f64` has a terminating expansion
    /// of at most 767 significant digits, so printing 800 of them loses nothing.
    fn of_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        Decimal::parse(&format!("{f:.800e}"))
    }

    fn is_integer(&self) -> bool {
        self.exponent >= 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_picks_the_cheapest_exact_form() {
        assert_eq!(Number::parse("0"), Some(Number::Int(0)));
        assert!(matches!(Number::parse("-42"), Some(Number::Int(-42))));
        assert!(matches!(
            Number::parse("9223372036854775807"),
            Some(Number::Int(i64::MAX))
        ));
        assert!(matches!(Number::parse("1.5"), Some(Number::Float(f)) if f == 1.5));
        assert!(matches!(Number::parse("2e3"), Some(Number::Int(2000))));
        // 2^63 is one past i64::MAX but exact in binary.
        assert!(matches!(
            Number::parse("9223372036854775808"),
            Some(Number::Float(_))
        ));
        assert!(matches!(Number::parse("0.1"), Some(Number::Big(t)) if t == "0.1"));
        assert!(matches!(Number::parse("1e400"), Some(Number::Big(_))));
        assert!(matches!(
            Number::parse("18446744073709551615"),
            Some(Number::Big(t)) if t == "18446744073709551615"
        ));
    }

    #[test]
    fn parse_rejects_non_numbers() {
        for bad in [
            "", "-", "abc", "1.2.3", "1e", "0x10", ".", "1,5", "NaN", "inf",
        ] {
            assert_eq!(Number::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn json_text_rewrites_only_what_json_forbids() {
        assert_eq!(Number::json_text("0.1").as_deref(), Some("0.1"));
        assert_eq!(Number::json_text("-1.5E+400").as_deref(), Some("-1.5E+400"));
        assert_eq!(Number::json_text(".5").as_deref(), Some("5e-1"));
        assert_eq!(Number::json_text("+12.30").as_deref(), Some("123e-1"));
        assert_eq!(Number::json_text("007").as_deref(), Some("7e0"));
        assert_eq!(Number::json_text("x"), None);
    }

    #[test]
    fn from_u64_is_exact() {
        assert!(matches!(Number::from_u64(7), Number::Int(7)));
        assert!(matches!(Number::from_u64(1 << 63), Number::Float(f) if f == 2f64.powi(63)));
        assert!(
            matches!(Number::from_u64(u64::MAX), Number::Big(t) if t == "18446744073709551615")
        );
    }

    #[test]
    fn equality_is_numeric_across_forms() {
        assert_eq!(Number::Int(1), Number::Float(1.0));
        assert_eq!(Number::Big("1.000".into()), Number::Int(1));
        assert_eq!(Number::Big("0.5".into()), Number::Float(0.5));
        assert_eq!(Number::Big("100".into()), Number::Big("1e2".into()));
        assert_ne!(Number::Int(1), Number::Float(1.5));
        assert_ne!(Number::Big("0.1".into()), Number::Float(0.1));
        assert_ne!(Number::Int(-1), Number::Int(1));
    }

    #[test]
    fn integer_views_check_range_and_fraction() {
        assert_eq!(Number::Float(3.0).as_i64(), Some(3));
        assert_eq!(Number::Float(3.5).as_i64(), None);
        assert_eq!(
            Number::Big("18446744073709551615".into()).as_u128(),
            Some(u64::MAX.into())
        );
        assert_eq!(Number::Float(-2.0).as_u128(), None);
        assert!(Number::Big("1e30".into()).is_integer());
        assert!(!Number::Big("0.1".into()).is_integer());
    }
}
