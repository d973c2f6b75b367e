//! Checks of a user's configuration that need no API call, run at validate and plan time.
//!
//! The rules mirror the API's own validation (`validation_failed` answers), so that a
//! password or description the API would refuse fails the plan with the attribute's path
//! instead of failing halfway through an apply.

use tfplugin::diag::{AttributePath, Diagnostics};
use tfplugin::value::Value;

/// Shortest password the API accepts (its policy is not published; it refuses shorter ones).
pub const PASSWORD_MIN_LENGTH: usize = 8;

/// Longest description the API accepts, in characters.
pub const DESCRIPTION_MAX_LENGTH: usize = 250;

/// Checks every known value of a configuration; unknown values are checked at apply.
pub fn config(config: &Value, diagnostics: &mut Diagnostics) {
    for attribute in ["public_cloud_id", "project_id"] {
        if let Some(value) = known(config, attribute)
            && value.as_i64().is_none_or(|n| n <= 0)
        {
            diagnostics.attribute_error(
                AttributePath::root(attribute),
                "Invalid id",
                format!("`{attribute}` must be a whole number greater than zero."),
            );
        }
    }
    for attribute in ["password", "password_wo"] {
        if let Some(password) = known(config, attribute).and_then(Value::as_str)
            && let Err(detail) = password_policy(password)
        {
            diagnostics.attribute_error(
                AttributePath::root(attribute),
                "Password does not meet the policy",
                detail,
            );
        }
    }
    if known(config, "password_wo").is_some()
        && config.get("password_wo_version").is_none_or(Value::is_null)
    {
        diagnostics.attribute_warning(
            AttributePath::root("password_wo_version"),
            "Write-only password without a version",
            "Terraform cannot see changes of `password_wo`, so without \
             `password_wo_version` a new password is never applied (nor, after an import, \
             the first one). Set `password_wo_version` and change it with the password.",
        );
    }
    if let Some(version) = known(config, "password_wo_version") {
        if version.as_i64().is_none() {
            diagnostics.attribute_error(
                AttributePath::root("password_wo_version"),
                "Invalid password version",
                "`password_wo_version` must be a whole number.",
            );
        }
        if config.get("password_wo").is_none_or(Value::is_null) {
            diagnostics.attribute_error(
                AttributePath::root("password_wo_version"),
                "Password version without a write-only password",
                "`password_wo_version` tells when `password_wo` changed; set `password_wo` \
                 too, or remove `password_wo_version`.",
            );
        }
    }
    if let Some(description) = known(config, "description").and_then(Value::as_str)
        && let Err(detail) = description_rules(description)
    {
        diagnostics.attribute_error(
            AttributePath::root("description"),
            "Invalid description",
            detail,
        );
    }
    if let Some(email) = known(config, "invite_email").and_then(Value::as_str)
        && !looks_like_email(email)
    {
        diagnostics.attribute_error(
            AttributePath::root("invite_email"),
            "Invalid invitation address",
            "`invite_email` must be an email address such as name@example.com.",
        );
    }
    exactly_one_credential(config, diagnostics);
}

/// The arguments that give a new user its credentials; exactly one must be set.
const CREDENTIALS: [&str; 3] = ["password", "password_wo", "invite_email"];

/// A user is created either with a password or by invitation: exactly one of the ways.
fn exactly_one_credential(config: &Value, diagnostics: &mut Diagnostics) {
    let mut set = Vec::new();
    for attribute in CREDENTIALS {
        match config.get(attribute) {
            // Not known yet: the check waits for apply.
            Some(v) if v.is_unknown() => return,
            Some(v) if !v.is_null() => set.push(attribute),
            _ => {}
        }
    }
    match set.as_slice() {
        [] => diagnostics.attribute_error(
            AttributePath::root("password"),
            "Missing credentials",
            "Set `password` (the user gets this password), `password_wo` (the same, kept \
             out of state) or `invite_email` (a link to set the password is emailed there). \
             A user cannot be created without one of them.",
        ),
        [_] => {}
        [first, rest @ ..] => {
            for attribute in rest {
                diagnostics.attribute_error(
                    AttributePath::root(attribute),
                    "Conflicting arguments",
                    format!(
                        "`{attribute}` conflicts with `{first}`: a user gets either a password \
                         or an invitation, so set only one of `password`, `password_wo` and \
                         `invite_email`."
                    ),
                );
            }
        }
    }
}

/// The API's password policy: a minimum length, an upper-case letter and a digit.
pub fn password_policy(password: &str) -> Result<(), String> {
    let mut missing = Vec::new();
    if password.chars().count() < PASSWORD_MIN_LENGTH {
        missing.push(format!("at least {PASSWORD_MIN_LENGTH} characters"));
    }
    if !password.chars().any(char::is_uppercase) {
        missing.push("an upper-case letter".to_string());
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        missing.push("a digit".to_string());
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "The password needs {}, as the Infomaniak API requires.",
            missing.join(", ")
        ))
    }
}

/// The API's description rules: at most 250 characters of letters, digits, space, `-`, `_`, `.`.
pub fn description_rules(description: &str) -> Result<(), String> {
    let length = description.chars().count();
    if length > DESCRIPTION_MAX_LENGTH {
        return Err(format!(
            "The description has {length} characters; the API accepts at most \
             {DESCRIPTION_MAX_LENGTH}."
        ));
    }
    let mut refused: Vec<char> = description
        .chars()
        .filter(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
        .collect();
    refused.sort_unstable();
    refused.dedup();
    if !refused.is_empty() {
        let shown: Vec<String> = refused.iter().take(5).map(|c| format!("{c:?}")).collect();
        return Err(format!(
            "The description may contain only letters, digits, spaces, '-', '_' and '.'; \
             it also contains {}.",
            shown.join(", ")
        ));
    }
    Ok(())
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// The attribute's value when it is set and known.
fn known<'a>(config: &'a Value, attribute: &str) -> Option<&'a Value> {
    config
        .get(attribute)
        .filter(|v| !v.is_null() && !v.is_unknown())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use tfplugin::diag::Severity;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn paths(diagnostics: &Diagnostics) -> Vec<String> {
        diagnostics
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                d.attribute
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn password_policy_names_each_missing_rule() {
        assert!(password_policy("Sup3rSecret").is_ok());
        let err = password_policy("short").unwrap_err();
        assert!(err.contains("at least 8"), "{err}");
        assert!(err.contains("upper-case"), "{err}");
        assert!(err.contains("digit"), "{err}");
        assert!(
            password_policy("alllowercase1")
                .unwrap_err()
                .contains("upper-case")
        );
        assert!(
            password_policy("NoDigitsHere")
                .unwrap_err()
                .contains("digit")
        );
    }

    #[test]
    fn description_allows_letters_digits_and_a_few_marks() {
        assert!(description_rules("CI runner for team-a_v1.2").is_ok());
        assert!(description_rules("Équipe données").is_ok());
        let err = description_rules("a::b/c").unwrap_err();
        assert!(
            err.contains("'/', ':'"),
            "each refused character once: {err}"
        );
        assert!(description_rules(&"x".repeat(250)).is_ok());
        assert!(
            description_rules(&"x".repeat(251))
                .unwrap_err()
                .contains("251")
        );
    }

    #[test]
    fn exactly_one_of_password_and_invite_email() {
        let mut both = Diagnostics::default();
        config(
            &object(&[
                ("password", Value::string("Sup3rSecret")),
                ("invite_email", Value::string("a@example.com")),
            ]),
            &mut both,
        );
        assert_eq!(paths(&both), ["invite_email"]);

        let mut neither = Diagnostics::default();
        config(&object(&[("password", Value::Null)]), &mut neither);
        assert_eq!(paths(&neither), ["password"]);

        let mut unknown = Diagnostics::default();
        config(
            &object(&[("password", Value::Unknown), ("invite_email", Value::Null)]),
            &mut unknown,
        );
        assert!(unknown.is_empty());
    }

    #[test]
    fn write_only_password_is_one_more_exclusive_credential() {
        let mut alone = Diagnostics::default();
        config(
            &object(&[
                ("password_wo", Value::string("Sup3rSecret")),
                ("password_wo_version", Value::int(1)),
            ]),
            &mut alone,
        );
        assert!(alone.is_empty(), "{:?}", paths(&alone));

        let mut both = Diagnostics::default();
        config(
            &object(&[
                ("password", Value::string("Sup3rSecret")),
                ("password_wo", Value::string("Sup3rSecret")),
            ]),
            &mut both,
        );
        assert_eq!(paths(&both), ["password_wo"]);

        let mut weak = Diagnostics::default();
        config(
            &object(&[("password_wo", Value::string("weak"))]),
            &mut weak,
        );
        assert_eq!(paths(&weak), ["password_wo"]);

        let mut orphan = Diagnostics::default();
        config(
            &object(&[
                ("password", Value::string("Sup3rSecret")),
                ("password_wo_version", Value::int(2)),
            ]),
            &mut orphan,
        );
        assert_eq!(paths(&orphan), ["password_wo_version"]);
    }

    #[test]
    fn bad_values_point_at_their_attribute() {
        let mut diagnostics = Diagnostics::default();
        config(
            &object(&[
                ("public_cloud_id", Value::int(0)),
                ("project_id", Value::int(2001)),
                ("password", Value::string("weak")),
                ("description", Value::string("bad;chars")),
            ]),
            &mut diagnostics,
        );
        assert_eq!(
            paths(&diagnostics),
            ["public_cloud_id", "password", "description"]
        );
    }

    #[test]
    fn email_shape() {
        assert!(looks_like_email("ops@example.com"));
        for bad in [
            "",
            "ops",
            "ops@",
            "@example.com",
            "ops@example",
            "o ps@example.com",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }
}
