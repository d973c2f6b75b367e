//! Turns API errors into diagnostics that say what happened and what the user can do.
//!
//! Classification is by the error's type, never by its text. Field errors of a
//! `validation_failed` answer point at the attribute that caused them.

use infomaniak_api::Error;
use tfplugin::diag::{AttributePath, Diagnostics};

/// Adds one diagnostic per problem in `err`, for an operation such as "create user".
///
/// `attribute_of` maps an API field name to the Terraform attribute written for it.
pub fn api_error(
    diagnostics: &mut Diagnostics,
    action: &str,
    err: &Error,
    attribute_of: impl Fn(&str) -> Option<&'static str>,
) {
    let summary = format!("Failed to {action}");
    let hint = hint(err);
    let fields = err.field_errors();
    if fields.is_empty() {
        diagnostics.error(summary, format!("{err}.{hint}"));
        return;
    }
    for field in fields {
        let detail = format!("{} ({}).{hint}", field.description, field.code);
        match field.attribute.as_deref().and_then(&attribute_of) {
            Some(attribute) => {
                diagnostics.attribute_error(AttributePath::root(attribute), &summary, detail)
            }
            None => diagnostics.error(&summary, detail),
        }
    }
}

/// A sentence on what to do next, chosen by the kind of error.
fn hint(err: &Error) -> &'static str {
    match err {
        Error::Unauthorized { .. } => {
            " Check the API token (provider `token` or INFOMANIAK_TOKEN): it may be wrong, \
             expired, or lack the Public Cloud scope."
        }
        Error::RateLimited { .. } => {
            " The API's request quota is used up; wait a minute and try again, or lower \
             `-parallelism` or the provider's `requests_per_minute`."
        }
        Error::Server { .. } | Error::Transport { .. } => {
            " The API may be unavailable; try again later."
        }
        Error::Cancelled { .. } => " The operation was interrupted.",
        _ => "",
    }
}
