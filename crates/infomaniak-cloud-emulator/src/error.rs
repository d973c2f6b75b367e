//! The API's error answers: one enum for every error the emulator can give, rendered once
//! into the vendor's envelope `{"result":"error","error":{"code","description","errors"}}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One rejected field of a request body or query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Name of the offending attribute, as sent by the caller.
    pub attribute: String,
    /// Validation rule that failed, e.g. `validation.required`.
    pub code: String,
    /// Human-readable explanation.
    pub description: String,
}

impl FieldError {
    /// Builds an entry for `attribute` failing `code`.
    pub fn new(attribute: &str, code: &str, description: impl Into<String>) -> FieldError {
        FieldError {
            attribute: attribute.to_owned(),
            code: code.to_owned(),
            description: description.into(),
        }
    }
}

/// Every error answer of the API.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// Missing or wrong bearer token (401).
    #[error("not authorized")]
    NotAuthorized,
    /// Unknown id in the path (404).
    #[error("object not found")]
    ObjectNotFound,
    /// Unknown route or method (404).
    #[error("method not found")]
    MethodNotFound,
    /// Invalid body or query, one entry per field (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Over the rate limit (429), optionally telling when to come back.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds for the `Retry-After` header, when one is sent.
        retry_after: Option<u64>,
    },
    /// The project is protected from deletion (400).
    #[error("public cloud project cannot be deleted")]
    ProjectCannotBeDeleted,
    /// A server-side failure (500).
    #[error("unexpected error")]
    Unexpected,
}

impl ApiError {
    /// HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotAuthorized => StatusCode::UNAUTHORIZED,
            ApiError::ObjectNotFound | ApiError::MethodNotFound => StatusCode::NOT_FOUND,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::ProjectCannotBeDeleted => StatusCode::BAD_REQUEST,
            ApiError::Unexpected => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The vendor's error code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotAuthorized => "not_authorized",
            ApiError::ObjectNotFound => "object_not_found",
            ApiError::MethodNotFound => "method_not_found",
            ApiError::Validation(_) => "validation_failed",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::ProjectCannotBeDeleted => "public_cloud_project_cannot_be_deleted",
            ApiError::Unexpected => "unexpected_error",
        }
    }

    fn description(&self) -> &'static str {
        match self {
            ApiError::NotAuthorized => "Authorization required",
            ApiError::ObjectNotFound => "Object not found",
            ApiError::MethodNotFound => "Method not found",
            ApiError::Validation(_) => "Validation failed",
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::ProjectCannotBeDeleted => "Public cloud project cannot be deleted",
            ApiError::Unexpected => "An unexpected error occurred",
        }
    }

    /// The `error` object of the envelope (also used as a failed task's `error`).
    pub fn body(&self) -> Value {
        let mut error = json!({ "code": self.code(), "description": self.description() });
        if let ApiError::Validation(fields) = self {
            error["errors"] = fields
                .iter()
                .map(|f| {
                    json!({
                        "code": f.code,
                        "description": f.description,
                        "context": { "attribute": f.attribute },
                    })
                })
                .collect();
        }
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "result": "error", "error": self.body() });
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let ApiError::TooManyRequests {
            retry_after: Some(seconds),
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_body_lists_each_field_with_its_attribute() {
        let error = ApiError::Validation(vec![
            FieldError::new("password", "validation.required", "required"),
            FieldError::new("description", "validation.regex", "bad characters"),
        ]);
        let body = error.body();
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["errors"][0]["context"]["attribute"], "password");
        assert_eq!(body["errors"][1]["code"], "validation.regex");
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn retry_after_header_only_when_asked() {
        let with = ApiError::TooManyRequests {
            retry_after: Some(7),
        }
        .into_response();
        assert_eq!(with.headers()[header::RETRY_AFTER], "7");
        let without = ApiError::TooManyRequests { retry_after: None }.into_response();
        assert!(without.headers().get(header::RETRY_AFTER).is_none());
        assert_eq!(without.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
