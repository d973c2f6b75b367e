//! Conversions between protocol messages and the provider interface, and the guard
//! that turns a panicking handler into an error diagnostic.

use std::any::Any;
use std::future::Future;

use magma_protocol::tfplugin6 as proto;

use crate::diag::Diagnostics;
use crate::provider::ClientCapabilities;
use crate::value::{Type, Value, ValueError, decode_json, decode_msgpack, encode_msgpack};

/// Decodes a wire value with `ty`: msgpack when present, else JSON; absent or empty is null.
pub(crate) fn decode(dv: Option<&proto::DynamicValue>, ty: &Type) -> Result<Value, ValueError> {
    match dv {
        Some(dv) if !dv.msgpack.is_empty() => decode_msgpack(&dv.msgpack, ty),
        Some(dv) if !dv.json.is_empty() => decode_json(&dv.json, ty),
        _ => Ok(Value::Null),
    }
}

/// Decodes a request value; the diagnostic on failure never quotes the value.
pub(crate) fn decode_input(
    dv: Option<&proto::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostics> {
    decode(dv, ty).map_err(|err| {
        let mut diags = Diagnostics::default();
        diags.value_error(format!("Invalid {what} received from Terraform"), &err);
        diags
    })
}

/// Encodes a response value as msgpack, recording a diagnostic on failure.
pub(crate) fn encode_into(
    value: &Value,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<proto::DynamicValue> {
    match encode_msgpack(value, ty) {
        Ok(msgpack) => Some(proto::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        Err(err) => {
            diags.value_error(format!("Provider returned an invalid {what}"), &err);
            None
        }
    }
}

/// The host's capabilities, or the defaults when the request carried none.
pub(crate) fn capabilities(caps: Option<proto::ClientCapabilities>) -> ClientCapabilities {
    caps.map(|c| ClientCapabilities {
        deferral_allowed: c.deferral_allowed,
        write_only_attributes_allowed: c.write_only_attributes_allowed,
    })
    .unwrap_or_default()
}

/// A diagnostic for a type name the provider does not have.
pub(crate) fn unknown_type(kind: &str, type_name: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    diags.error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type named {type_name:?}."),
    );
    diags
}

/// Runs a handler in its own task so that a panic becomes an error, not a dead process.
pub(crate) async fn guarded<T: Send + 'static>(
    rpc: &'static str,
    handler: impl Future<Output = T> + Send + 'static,
) -> Result<T, Diagnostics> {
    match tokio::spawn(handler).await {
        Ok(value) => Ok(value),
        Err(err) => {
            let reason = if err.is_panic() {
                panic_message(err.into_panic())
            } else {
                "the handler was cancelled".to_owned()
            };
            tracing::error!(rpc, reason = %reason, "provider handler failed");
            let mut diags = Diagnostics::default();
            diags.error(
                "Provider crashed",
                format!(
                    "The provider failed while handling {rpc}: {reason}. \
                     This is a bug in the provider; please report it."
                ),
            );
            Err(diags)
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(msg) => *msg,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map_or_else(|| "panic".to_owned(), |msg| (*msg).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_dynamic_value_is_null() {
        let empty = proto::DynamicValue {
            msgpack: vec![],
            json: vec![],
        };
        assert_eq!(decode(Some(&empty), &Type::String).unwrap(), Value::Null);
        assert_eq!(decode(None, &Type::String).unwrap(), Value::Null);
    }

    #[test]
    fn json_is_used_when_msgpack_is_absent() {
        let dv = proto::DynamicValue {
            msgpack: vec![],
            json: br#""hello""#.to_vec(),
        };
        assert_eq!(
            decode(Some(&dv), &Type::String).unwrap(),
            Value::String("hello".into())
        );
    }

    #[test]
    fn missing_capabilities_default_to_false() {
        assert_eq!(capabilities(None), ClientCapabilities::default());
        let caps = capabilities(Some(proto::ClientCapabilities {
            deferral_allowed: false,
            write_only_attributes_allowed: true,
        }));
        assert!(caps.write_only_attributes_allowed);
    }

    #[tokio::test]
    async fn a_panic_becomes_an_error_diagnostic() {
        let diags = guarded::<()>("ReadResource", async { panic!("boom") })
            .await
            .unwrap_err();
        assert!(diags.has_errors());
        assert!(format!("{diags:?}").contains("boom"));
        assert_eq!(guarded("ReadResource", async { 7 }).await.unwrap(), 7);
    }
}
