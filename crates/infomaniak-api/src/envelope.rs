//! The JSON envelope every answer of the API is wrapped in, and how it maps to results.
//!
//! Success is `{"result":"success","data":...}` (with `total`/`page`/`pages` beside `data`
//! when a page was asked for). A write may also answer `asynchronous` (the written
//! description: `data` is the result) or `delayed` (the live service: `data` is a task uuid).
//! Errors are `{"result":"error","error":{"code","description","errors":[...]}}`, where
//! `errors` and each entry's `context` are optional.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, FieldError};
use crate::models::{Operation, Page};

/// The request an answer belongs to, named in every error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Call {
    pub method: String,
    pub path: String,
}

impl Call {
    pub fn new(method: &str, path: impl Into<String>) -> Self {
        Call {
            method: method.to_owned(),
            path: path.into(),
        }
    }

    pub fn decode(&self, message: impl Into<String>) -> Error {
        Error::Decode {
            method: self.method.clone(),
            path: self.path.clone(),
            message: message.into(),
        }
    }
}

/// A parsed answer whose `result` is not `error`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Envelope {
    pub result: String,
    pub data: Value,
    pub total: Option<u64>,
    pub page: Option<u32>,
    pub pages: Option<u32>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    result: String,
    #[serde(default)]
    data: Value,
    #[serde(default)]
    error: Option<RawError>,
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    pages: Option<u32>,
}

#[derive(Default, Deserialize)]
struct RawError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    errors: Vec<RawFieldError>,
}

#[derive(Deserialize)]
struct RawFieldError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    context: Option<RawContext>,
}

#[derive(Deserialize)]
struct RawContext {
    #[serde(default)]
    attribute: Option<String>,
}

/// Parses a 2xx answer; an `error` envelope inside a 2xx still becomes an error.
pub(crate) fn parse_success(call: &Call, status: u16, body: &[u8]) -> Result<Envelope, Error> {
    let raw: RawEnvelope = serde_json::from_slice(body)
        .map_err(|e| call.decode(format!("HTTP {status} body is not an API envelope: {e}")))?;
    if raw.result == "error" {
        return Err(classify(call, status, raw.error.unwrap_or_default()));
    }
    Ok(Envelope {
        result: raw.result,
        data: raw.data,
        total: raw.total,
        page: raw.page,
        pages: raw.pages,
    })
}

/// Turns a non-2xx answer (other than 429, handled by the retry loop) into its error.
pub(crate) fn parse_failure(call: &Call, status: u16, body: &[u8]) -> Error {
    // Proxies in front of the API answer HTML on 502/503, so a body that is not an
    // envelope still yields an error of the right kind, just without a code.
    let error = serde_json::from_slice::<RawEnvelope>(body)
        .ok()
        .and_then(|raw| raw.error)
        .unwrap_or_default();
    classify(call, status, error)
}

fn classify(call: &Call, status: u16, error: RawError) -> Error {
    let method = call.method.clone();
    let path = call.path.clone();
    let RawError {
        code,
        description,
        errors,
    } = error;
    match status {
        // An unknown route also answers 404 (`method_not_found`); reporting it as "the
        // object is gone" would make callers forget objects that still exist.
        404 if code != "method_not_found" => Error::NotFound {
            method,
            path,
            code,
            description,
        },
        401 | 403 => Error::Unauthorized {
            method,
            path,
            status,
            code,
            description,
        },
        _ if status == 422 || code == "validation_failed" => Error::Validation {
            method,
            path,
            status,
            code,
            description,
            fields: errors
                .into_iter()
                .map(|e| FieldError {
                    attribute: e.context.and_then(|c| c.attribute),
                    code: e.code,
                    description: e.description,
                })
                .collect(),
        },
        500..=599 => Error::Server {
            method,
            path,
            status,
            code,
            description,
        },
        _ => Error::Api {
            method,
            path,
            status,
            code,
            description,
        },
    }
}

impl Envelope {
    /// The `data` as `T`, whatever the `result` word was.
    pub fn into_data<T: DeserializeOwned>(self, call: &Call) -> Result<T, Error> {
        serde_json::from_value(self.data).map_err(|e| call.decode(format!("data: {e}")))
    }

    /// The answer of a write: applied now, or a task to poll.
    pub fn into_operation<T: DeserializeOwned>(self, call: &Call) -> Result<Operation<T>, Error> {
        match self.result.as_str() {
            "success" | "asynchronous" => Ok(Operation::Done(self.into_data(call)?)),
            "delayed" => match self.data {
                Value::String(uuid) if !uuid.is_empty() => Ok(Operation::Task(uuid)),
                other => Err(call.decode(format!("delayed answer without a task uuid: {other}"))),
            },
            other => Err(call.decode(format!("unknown result {other:?}"))),
        }
    }

    /// A page of a list; the counters fall back to "this is the only page" when absent.
    pub fn into_page<T: DeserializeOwned>(self, call: &Call, asked: u32) -> Result<Page<T>, Error> {
        let (total, page, pages) = (self.total, self.page, self.pages);
        let items: Vec<T> = self.into_data(call)?;
        Ok(Page {
            total: total.unwrap_or(items.len() as u64),
            page: page.unwrap_or(asked),
            pages: pages.unwrap_or(1),
            items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call() -> Call {
        Call::new("POST", "/1/public_clouds/1/projects/2/users")
    }

    fn bytes(v: Value) -> Vec<u8> {
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn three_async_shapes_become_operations() {
        let ok = json!({"result": "success", "data": 42});
        let asynchronous = json!({"result": "asynchronous", "data": 42});
        let delayed = json!({"result": "delayed", "data": "c0ffee-uuid"});
        for (status, body) in [(200, ok), (202, asynchronous)] {
            let env = parse_success(&call(), status, &bytes(body)).unwrap();
            assert_eq!(
                env.into_operation::<u64>(&call()).unwrap(),
                Operation::Done(42)
            );
        }
        let env = parse_success(&call(), 202, &bytes(delayed)).unwrap();
        assert_eq!(
            env.into_operation::<u64>(&call()).unwrap(),
            Operation::Task("c0ffee-uuid".into())
        );
    }

    #[test]
    fn delayed_without_uuid_is_a_decode_error() {
        let env = parse_success(&call(), 202, &bytes(json!({"result": "delayed"}))).unwrap();
        let err = env.into_operation::<u64>(&call()).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }

    #[test]
    fn validation_errors_keep_fields_with_and_without_context() {
        let body = bytes(json!({"result": "error", "error": {
        "code": "validation_failed", "description": "Validation failed",
        "errors": [
            {"code": "validation.password_unified_min", "description": "min",
             "context": {"attribute": "password"}},
            {"code": "other", "description": "no context"}
        ]}}));
        let err = parse_failure(&call(), 422, &body);
        let fields = err.field_errors();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].attribute.as_deref(), Some("password"));
        assert_eq!(fields[1].attribute, None);
        assert_eq!(err.code(), Some("validation_failed"));
    }

    #[test]
    fn statuses_map_to_kinds() {
        let env = |code: &str| bytes(json!({"result": "error", "error": {"code": code}}));
        assert!(parse_failure(&call(), 404, &env("object_not_found")).is_not_found());
        let unknown_route = parse_failure(&call(), 404, &env("method_not_found"));
        assert!(!unknown_route.is_not_found());
        assert_eq!(unknown_route.status(), Some(404));
        assert!(matches!(
            parse_failure(&call(), 401, &env("not_authorized")),
            Error::Unauthorized { status: 401, .. }
        ));
        let server = parse_failure(&call(), 502, b"<html>bad gateway</html>");
        assert!(matches!(server, Error::Server { status: 502, .. }));
        assert!(server.is_retryable());
        assert!(matches!(
            parse_failure(&call(), 400, &env("public_cloud_project_cannot_be_deleted")),
            Error::Api { status: 400, .. }
        ));
    }

    #[test]
    fn error_envelope_inside_2xx_is_an_error() {
        let body = bytes(json!({"result": "error", "error": {"code": "x", "description": "y"}}));
        let err = parse_success(&call(), 200, &body).unwrap_err();
        assert_eq!(err.code(), Some("x"));
    }

    #[test]
    fn pages_read_counters_or_default_them() {
        let body = bytes(json!({"result": "success", "data": [1, 2], "total": 5,
            "page": 2, "pages": 3, "items_per_page": 2}));
        let page: Page<u32> = parse_success(&call(), 200, &body)
            .unwrap()
            .into_page(&call(), 2)
            .unwrap();
        assert_eq!(
            (page.items, page.total, page.page, page.pages),
            (vec![1, 2], 5, 2, 3)
        );

        let bare = bytes(json!({"result": "success", "data": [1]}));
        let page: Page<u32> = parse_success(&call(), 200, &bare)
            .unwrap()
            .into_page(&call(), 1)
            .unwrap();
        assert_eq!((page.total, page.page, page.pages), (1, 1, 1));
    }

    #[test]
    fn garbage_is_a_decode_error() {
        let err = parse_success(&call(), 200, b"not json").unwrap_err();
        assert!(matches!(err, Error::Decode { .. }));
        assert!(
            err.to_string()
                .contains("POST /1/public_clouds/1/projects/2/users")
        );
    }
}
