//! Request-body validation with the live service's rules: a password policy, a restricted
//! description alphabet, e-mail shape and name lengths. Errors accumulate, one per field, so
//! a 422 answer lists every offending attribute at once.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult, FieldError};

/// Shortest password the policy accepts (the live minimum is unpublished; 8 is assumed).
pub const PASSWORD_MIN_LEN: usize = 8;
/// Longest description or project name.
pub const MAX_TEXT_LEN: usize = 250;

/// Parses a JSON object body; an empty body counts as `{}`.
pub fn parse_body(bytes: &[u8]) -> ApiResult<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::Validation(vec![FieldError::new(
            "body",
            "validation.json",
            "The body must be a JSON object",
        )])),
    }
}

/// The first password-policy rule a password breaks, as (code, description).
pub fn password_rule(password: &str) -> Option<(&'static str, &'static str)> {
    if password.chars().count() < PASSWORD_MIN_LEN {
        Some((
            "validation.password_unified_min",
            "The password must be at least 8 characters long",
        ))
    } else if !password.chars().any(|c| c.is_uppercase()) {
        Some((
            "validation.password_unified_upper",
            "The password must contain an upper-case letter",
        ))
    } else if !password.chars().any(|c| c.is_ascii_digit()) {
        Some((
            "validation.password_unified_numeric",
            "The password must contain a digit",
        ))
    } else {
        None
    }
}

/// The first rule a description breaks, as (code, description).
pub fn description_rule(description: &str) -> Option<(&'static str, &'static str)> {
    if description.chars().count() > MAX_TEXT_LEN {
        Some((
            "validation.max.string",
            "The description may not be longer than 250 characters",
        ))
    } else if !description
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
    {
        Some((
            "validation.regex",
            "The description may only hold letters, digits, spaces, '-', '_' and '.'",
        ))
    } else {
        None
    }
}

/// Whether an address looks like an e-mail address (one `@`, a dotted domain, no spaces).
pub fn is_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !address.chars().any(char::is_whitespace)
        && domain.contains('.')
        && domain.split('.').all(|part| !part.is_empty())
}

/// Reads fields from a body while collecting one error per offending field.
pub struct Checker<'a> {
    body: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Checker<'a> {
    /// Starts checking a body.
    pub fn new(body: &'a Map<String, Value>) -> Checker<'a> {
        Checker {
            body,
            errors: Vec::new(),
        }
    }

    fn fail(&mut self, field: &str, code: &str, description: &str) -> Option<String> {
        self.errors.push(FieldError::new(field, code, description));
        None
    }

    /// A string field; absent (or null) gives `None`, or an error when required.
    pub fn string(&mut self, field: &str, required: bool) -> Option<String> {
        match self.body.get(field) {
            None | Some(Value::Null) if required => {
                self.fail(field, "validation.required", "The field is required")
            }
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => self.fail(field, "validation.string", "The field must be a string"),
        }
    }

    /// A password field checked against the policy.
    pub fn password(&mut self, field: &str, required: bool) -> Option<String> {
        let value = self.string(field, required)?;
        match password_rule(&value) {
            Some((code, text)) => self.fail(field, code, text),
            None => Some(value),
        }
    }

    /// A description field checked for length and alphabet.
    pub fn description(&mut self, field: &str) -> Option<String> {
        let value = self.string(field, false)?;
        match description_rule(&value) {
            Some((code, text)) => self.fail(field, code, text),
            None => Some(value),
        }
    }

    /// An e-mail field checked for shape.
    pub fn email(&mut self, field: &str, required: bool) -> Option<String> {
        let value = self.string(field, required)?;
        if is_email(&value) {
            Some(value)
        } else {
            self.fail(
                field,
                "validation.email",
                "The field must be an e-mail address",
            )
        }
    }

    /// A name field of at most 250 characters.
    pub fn name(&mut self, field: &str, required: bool) -> Option<String> {
        let value = self.string(field, required)?;
        if value.chars().count() > MAX_TEXT_LEN {
            self.fail(
                field,
                "validation.max.string",
                "The name may not be longer than 250 characters",
            )
        } else if required && value.trim().is_empty() {
            self.fail(field, "validation.required", "The field is required")
        } else {
            Some(value)
        }
    }

    /// Ends the check: a 422 listing every offending field, if any.
    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn password_policy_names_the_first_broken_rule() {
        assert_eq!(
            password_rule("Ab1").unwrap().0,
            "validation.password_unified_min"
        );
        assert_eq!(
            password_rule("abcdefgh1").unwrap().0,
            "validation.password_unified_upper"
        );
        assert_eq!(
            password_rule("Abcdefghi").unwrap().0,
            "validation.password_unified_numeric"
        );
        assert_eq!(password_rule("Abcdefg1"), None);
    }

    #[test]
    fn description_allows_only_the_restricted_alphabet() {
        assert_eq!(description_rule("CI runner-01_v2.0"), None);
        assert_eq!(description_rule(""), None);
        assert_eq!(description_rule("a/b").unwrap().0, "validation.regex");
        assert_eq!(
            description_rule(&"a".repeat(251)).unwrap().0,
            "validation.max.string"
        );
        assert_eq!(description_rule(&"a".repeat(250)), None);
    }

    #[test]
    fn email_shape() {
        assert!(is_email("someone@example.org"));
        assert!(!is_email("someone@example"));
        assert!(!is_email("someone example@x.org"));
        assert!(!is_email("@example.org"));
        assert!(!is_email("a@b@example.org"));
    }

    #[test]
    fn checker_collects_one_error_per_field() {
        let body = json!({"password": "short", "description": "bad!", "email": 3});
        let body = body.as_object().unwrap();
        let mut check = Checker::new(body);
        check.password("password", true);
        check.description("description");
        check.email("email", false);
        check.string("missing", true);
        let Err(ApiError::Validation(errors)) = check.finish() else {
            panic!("expected a validation error");
        };
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.attribute.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("password", "validation.password_unified_min"),
                ("description", "validation.regex"),
                ("email", "validation.string"),
                ("missing", "validation.required"),
            ]
        );
    }

    #[test]
    fn empty_body_is_an_empty_object_and_garbage_is_rejected() {
        assert!(parse_body(b"").unwrap().is_empty());
        assert!(parse_body(b"[1]").is_err());
        assert!(parse_body(b"{oops").is_err());
    }
}
