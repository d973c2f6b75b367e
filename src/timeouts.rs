//! The `timeouts` block: how long each operation may wait on the API's asynchronous work.
//!
//! Durations are written as Terraform users write them elsewhere (`"30s"`, `"10m"`,
//! `"1h30m"`), and checked at validate time so a typo fails the plan, not the apply.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tfplugin::diag::{AttributePath, Diagnostics};
use tfplugin::schema::{Attribute, Block, NestedBlock, Nesting};
use tfplugin::value::{Type, Value};

/// The operations a `timeouts` block can bound.
pub const OPERATIONS: [&str; 3] = ["create", "update", "delete"];

/// The `timeouts` block as stored in configuration and state.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Timeouts {
    pub create: Option<String>,
    pub update: Option<String>,
    pub delete: Option<String>,
}

/// Defaults applied to the operations the block leaves out.
#[derive(Clone, Copy, Debug)]
pub struct Defaults {
    pub create: Duration,
    pub update: Duration,
    pub delete: Duration,
}

impl Timeouts {
    /// How long `operation` may take: the configured duration, else the default.
    pub fn get(timeouts: Option<&Timeouts>, operation: &str, defaults: Defaults) -> Duration {
        let (configured, default) = match operation {
            "create" => (timeouts.and_then(|t| t.create.as_deref()), defaults.create),
            "update" => (timeouts.and_then(|t| t.update.as_deref()), defaults.update),
            _ => (timeouts.and_then(|t| t.delete.as_deref()), defaults.delete),
        };
        configured
            .and_then(|text| parse_duration(text).ok())
            .unwrap_or(default)
    }
}

/// The nested block declaration, with the defaults named in its documentation.
pub fn block(defaults: Defaults) -> NestedBlock {
    let attribute = |name: &str, default: Duration| {
        Attribute::optional(name, Type::String).description(&format!(
            "How long to wait for the {name} operation, such as `30s`, `10m` or `1h`. \
             Defaults to `{}`.",
            format_duration(default)
        ))
    };
    NestedBlock {
        type_name: "timeouts".into(),
        block: Block {
            attributes: vec![
                attribute("create", defaults.create),
                attribute("update", defaults.update),
                attribute("delete", defaults.delete),
            ],
            description: "Time limits of the operations that wait on the API.".into(),
            ..Block::default()
        },
        nesting: Nesting::Single,
        min_items: 0,
        max_items: 0,
    }
}

/// Checks each known duration of a configured `timeouts` block.
pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    let Some(block) = config
        .get("timeouts")
        .filter(|b| !b.is_null() && !b.is_unknown())
    else {
        return;
    };
    for operation in OPERATIONS {
        let Some(text) = block.get(operation).and_then(Value::as_str) else {
            continue;
        };
        if let Err(reason) = parse_duration(text) {
            diagnostics.attribute_error(
                AttributePath::root("timeouts").attr(operation),
                "Invalid timeout",
                format!(
                    "{reason}. Write a duration such as \"30s\", \"10m\" or \"1h30m\" \
                     (units: ms, s, m, h)."
                ),
            );
        }
    }
}

/// Parses a Go-style duration: one or more `<number><unit>` with units ms, s, m and h.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the duration is empty".into());
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("\"{text}\" has a number without a unit"))?;
        if digits == 0 {
            return Err(format!("\"{text}\" is not a duration"));
        }
        let number: f64 = rest[..digits]
            .parse()
            .map_err(|_| format!("\"{text}\" is not a duration"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            unit => return Err(format!("\"{text}\" has an unknown unit \"{unit}\"")),
        };
        total += number * seconds;
        rest = &rest[unit_len..];
    }
    if total <= 0.0 {
        return Err(format!("\"{text}\" must be longer than zero"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// Formats a whole-minute or whole-second duration the way it is written in HCL.
pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    if duration.subsec_millis() != 0 || secs == 0 {
        format!("{}ms", duration.as_millis())
    } else if secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_style_durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
    }

    #[test]
    fn rejects_malformed_durations() {
        for bad in ["", "10", "m", "10 minutes", "5d", "0s", "-1m", "1h-5m"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn configured_duration_wins_over_default() {
        let defaults = Defaults {
            create: Duration::from_secs(600),
            update: Duration::from_secs(300),
            delete: Duration::from_secs(120),
        };
        let timeouts = Timeouts {
            create: Some("2m".into()),
            ..Default::default()
        };
        assert_eq!(
            Timeouts::get(Some(&timeouts), "create", defaults),
            Duration::from_secs(120)
        );
        assert_eq!(
            Timeouts::get(Some(&timeouts), "update", defaults),
            Duration::from_secs(300)
        );
        assert_eq!(
            Timeouts::get(None, "delete", defaults),
            Duration::from_secs(120)
        );
    }

    #[test]
    fn formats_defaults_for_documentation() {
        assert_eq!(format_duration(Duration::from_secs(600)), "10m");
        assert_eq!(format_duration(Duration::from_secs(7200)), "2h");
        assert_eq!(format_duration(Duration::from_secs(45)), "45s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
    }
}
