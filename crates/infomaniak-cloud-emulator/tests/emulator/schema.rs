//! A small checker for the subset of OpenAPI schemas the vendor's description uses:
//! `$ref`, `allOf`, `type`, `nullable`, `required`, `properties`, `items` and `enum`.
//! (A full JSON Schema crate would pull far more than these checks need.)

use serde_json::Value;

/// The vendor's schemas, kept as test data.
pub fn document() -> Value {
    let text = include_str!("../fixtures/public-cloud-schemas.json");
    serde_json::from_str(text).unwrap()
}

/// Errors found checking `value` against the response schema named `name`.
pub fn check_response(name: &str, value: &Value) -> Vec<String> {
    let doc = document();
    let schema = &doc["responses"][name];
    assert!(schema.is_object(), "no response schema named {name}");
    let mut errors = Vec::new();
    check(&doc, schema, value, "$", &mut errors);
    errors
}

/// Errors found checking `value` against the component schema named `name`.
pub fn check_component(name: &str, value: &Value) -> Vec<String> {
    let doc = document();
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "no component named {name}");
    let mut errors = Vec::new();
    check(&doc, schema, value, "$", &mut errors);
    errors
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference.trim_start_matches('#');
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("unresolved {reference}"))
}

fn type_matches(kind: &str, value: &Value) -> bool {
    match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        _ => true,
    }
}

fn check(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        return check(doc, resolve(doc, reference), value, at, errors);
    }
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            check(doc, part, value, at, errors);
        }
    }
    if value.is_null() && schema["nullable"] == true {
        return;
    }
    if let Some(kind) = schema["type"].as_str()
        && !type_matches(kind, value)
    {
        errors.push(format!("{at}: expected {kind}, got {value}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} not in {allowed:?}"));
    }
    if let Some(required) = schema["required"].as_array() {
        for field in required.iter().filter_map(Value::as_str) {
            if value.get(field).is_none() {
                errors.push(format!("{at}: missing required {field}"));
            }
        }
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object())
    {
        for (name, sub) in properties {
            if let Some(field) = object.get(name) {
                check(doc, sub, field, &format!("{at}.{name}"), errors);
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            check(doc, items, item, &format!("{at}[{i}]"), errors);
        }
    }
}

#[test]
fn the_checker_rejects_what_it_should() {
    let user = serde_json::json!({
        "public_cloud_user_id": "1", "public_cloud_project_id": 2,
        "open_stack_name": "PCU-AAAAAAA", "description": "", "status": "sleeping",
        "created_at": 1,
    });
    let errors = check_component("1a4921f4_PublicCloudUser", &user);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("public_cloud_user_id")));
    assert!(errors.iter().any(|e| e.contains("sleeping")));
    assert!(errors.iter().any(|e| e.contains("updated_at")));
}
