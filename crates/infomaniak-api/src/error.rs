//! The one error type of the client.
//!
//! Every failure is classified once, by HTTP status and the API's error code, into a variant;
//! callers branch on the variant (or on [`Error::is_not_found`], [`Error::is_retryable`]),
//! never on the text. Variants that come from an HTTP answer name the request that failed
//! (method and path, which hold only ids) and carry the API's own code and description.
//! None of them carries the token, a password, an email or a request body.

use std::fmt;
use std::time::Duration;

/// One per-field complaint of a `validation_failed` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The request field the complaint is about, when the API names one.
    pub attribute: Option<String>,
    /// The API's machine-readable code, such as `validation.password_unified_min`.
    pub code: String,
    /// The API's human-readable description.
    pub description: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.attribute {
            Some(attribute) => write!(f, "{attribute}: {} ({})", self.description, self.code),
            None => write!(f, "{} ({})", self.description, self.code),
        }
    }
}

/// Everything that can go wrong when talking to the Infomaniak API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The object does not exist (HTTP 404 `object_not_found`).
    #[error("{method} {path}: not found ({code}: {description})")]
    NotFound {
        method: String,
        path: String,
        code: String,
        description: String,
    },

    /// The API rejected some fields of the request (HTTP 422 `validation_failed`).
    #[error(
        "{method} {path}: invalid request ({code}: {description}){}",
        list_fields(fields)
    )]
    Validation {
        method: String,
        path: String,
        status: u16,
        code: String,
        description: String,
        fields: Vec<FieldError>,
    },

    /// The token is missing, wrong, expired or lacks a scope (HTTP 401 or 403).
    #[error("{method} {path}: not authorized, HTTP {status} ({code}: {description})")]
    Unauthorized {
        method: String,
        path: String,
        status: u16,
        code: String,
        description: String,
    },

    /// The API kept answering HTTP 429 after every allowed retry.
    #[error(
        "{method} {path}: rate limited after {attempts} attempt(s){}",
        show_retry_after(retry_after)
    )]
    RateLimited {
        method: String,
        path: String,
        retry_after: Option<Duration>,
        attempts: u32,
    },

    /// The API failed on its side (HTTP 5xx).
    #[error("{method} {path}: server error, HTTP {status} ({code}: {description})")]
    Server {
        method: String,
        path: String,
        status: u16,
        code: String,
        description: String,
    },

    /// Any other refusal by the API (another 4xx, or an error envelope in a 2xx).
    #[error("{method} {path}: HTTP {status} ({code}: {description})")]
    Api {
        method: String,
        path: String,
        status: u16,
        code: String,
        description: String,
    },

    /// The request never got an HTTP answer (connection refused, reset, timed out).
    ///
    /// The text names the causes (such as "tcp connect error: Connection refused") but
    /// never the URL, whose query could hold more than ids.
    #[error("{method} {path}: transport error: {}", describe_transport(source))]
    Transport {
        method: String,
        path: String,
        #[source]
        source: reqwest::Error,
    },

    /// The answer arrived but was not the JSON the client expects.
    #[error("{method} {path}: unexpected answer: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },

    /// The base URL is plain `http://` to a host that is not this machine.
    #[error(
        "refusing to send the API token over plain http to {url}: \
         only loopback addresses may use http"
    )]
    InsecureUrl {
        /// The host refused, with its port when the URL names one.
        url: String,
    },

    /// The client configuration cannot be used (bad base URL or token, HTTP client setup).
    #[error("invalid client configuration: {reason}")]
    InvalidConfig { reason: String },

    /// An asynchronous task of the API ended in `failed`.
    #[error("task {task} failed ({code}: {description})")]
    TaskFailed {
        task: String,
        code: String,
        description: String,
    },

    /// A user reached the `error` status instead of becoming ready.
    #[error("user {user} ended in status {status}")]
    UserFailed { user: u64, status: String },

    /// A project reached the `error` status instead of becoming ready.
    #[error("project {project} ended in status {status}")]
    ProjectFailed { project: u64, status: String },

    /// A wait reached its deadline while the object was still in a pending state.
    #[error(
        "timed out waiting for {what} after {}s and {polls} poll(s); last seen: {last_seen}",
        elapsed.as_secs()
    )]
    WaitTimedOut {
        what: String,
        last_seen: String,
        elapsed: Duration,
        polls: u32,
    },

    /// A wait was cancelled by its caller before it ended.
    #[error("cancelled while waiting for {what}; last seen: {last_seen}")]
    Cancelled { what: String, last_seen: String },
}

fn list_fields(fields: &[FieldError]) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = fields.iter().map(ToString::to_string).collect();
    format!(": {}", parts.join("; "))
}

/// The causes of a transport failure, outermost first, each said once.
fn describe_transport(source: &reqwest::Error) -> String {
    let mut text = source.to_string();
    let mut next = std::error::Error::source(source);
    while let Some(cause) = next {
        let part = cause.to_string();
        // Some layers repeat their inner error in their own text.
        if !part.is_empty() && !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = cause.source();
    }
    hide_urls(&text)
}

/// Replaces every URL in `text` by `<url>`: the caller strips reqwest's own, but a cause
/// deeper down (a redirect, a proxy) could still name one with its query.
fn hide_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        out.push_str(&rest[..start]);
        out.push_str("<url>");
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>'))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn show_retry_after(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(" (server asked to retry after {}s)", d.as_secs()),
        None => String::new(),
    }
}

impl Error {
    /// True when the object asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// True when sending the same idempotent request again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. } | Error::Server { .. } | Error::Transport { .. }
        )
    }

    /// A short account of a retryable failure, for a wait that keeps polling through it.
    pub(crate) fn passing_trouble(&self) -> String {
        match self {
            Error::RateLimited { .. } => "rate limited".to_owned(),
            Error::Server { status, code, .. } if code.is_empty() => {
                format!("server error (HTTP {status})")
            }
            Error::Server { status, code, .. } => format!("server error (HTTP {status}, {code})"),
            Error::Transport { source, .. } => {
                format!("transport error: {}", describe_transport(source))
            }
            other => other.to_string(),
        }
    }

    /// The variant's name in snake case, for structured logs.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Validation { .. } => "validation",
            Error::Unauthorized { .. } => "unauthorized",
            Error::RateLimited { .. } => "rate_limited",
            Error::Server { .. } => "server",
            Error::Api { .. } => "api",
            Error::Transport { .. } => "transport",
            Error::Decode { .. } => "decode",
            Error::InsecureUrl { .. } => "insecure_url",
            Error::InvalidConfig { .. } => "invalid_config",
            Error::TaskFailed { .. } => "task_failed",
            Error::UserFailed { .. } => "user_failed",
            Error::ProjectFailed { .. } => "project_failed",
            Error::WaitTimedOut { .. } => "wait_timed_out",
            Error::Cancelled { .. } => "cancelled",
        }
    }

    /// The HTTP status of the answer that caused this error, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::NotFound { .. } => Some(404),
            Error::RateLimited { .. } => Some(429),
            Error::Validation { status, .. }
            | Error::Unauthorized { status, .. }
            | Error::Server { status, .. }
            | Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's error code (`object_not_found`, `validation_failed`, ...), if it sent one.
    pub fn code(&self) -> Option<&str> {
        let code = match self {
            Error::NotFound { code, .. }
            | Error::Validation { code, .. }
            | Error::Unauthorized { code, .. }
            | Error::Server { code, .. }
            | Error::Api { code, .. }
            | Error::TaskFailed { code, .. } => code,
            _ => return None,
        };
        (!code.is_empty()).then_some(code.as_str())
    }

    /// The per-field complaints of a validation error; empty for every other error.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation { fields, .. } => fields,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_display_lists_fields_with_request() {
        let err = Error::Validation {
            method: "POST".into(),
            path: "/1/public_clouds/1/projects/2/users".into(),
            status: 422,
            code: "validation_failed".into(),
            description: "Validation failed".into(),
            fields: vec![FieldError {
                attribute: Some("password".into()),
                code: "validation.password_unified_min".into(),
                description: "too short".into(),
            }],
        };
        let text = err.to_string();
        assert!(
            text.contains("POST /1/public_clouds/1/projects/2/users"),
            "{text}"
        );
        assert!(text.contains("validation_failed"), "{text}");
        assert!(text.contains("password: too short"), "{text}");
        assert_eq!(err.status(), Some(422));
        assert_eq!(err.code(), Some("validation_failed"));
        assert_eq!(err.field_errors().len(), 1);
        assert!(!err.is_retryable());
    }

    #[test]
    fn classification_helpers() {
        let nf = Error::NotFound {
            method: "GET".into(),
            path: "/x".into(),
            code: "object_not_found".into(),
            description: String::new(),
        };
        assert!(nf.is_not_found());
        assert_eq!(nf.status(), Some(404));

        let timed_out = Error::WaitTimedOut {
            what: "user 3".into(),
            last_seen: "status creating".into(),
            elapsed: Duration::from_secs(300),
            polls: 25,
        };
        let text = timed_out.to_string();
        assert!(text.contains("300s") && text.contains("25 poll"), "{text}");
        assert_eq!(timed_out.code(), None);
        assert!(timed_out.field_errors().is_empty());
    }

    #[test]
    fn transport_text_never_shows_a_url() {
        assert_eq!(
            hide_urls("redirect to https://h.example/x?token=abc failed (http://a/b)"),
            "redirect to <url> failed (<url>)"
        );
        assert_eq!(hide_urls("tcp connect error"), "tcp connect error");
    }
}
