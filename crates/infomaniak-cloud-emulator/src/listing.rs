//! List queries: filtering, ordering and the two paging styles of the API.
//!
//! `page` + `per_page` adds `total`, `page`, `pages` and `items_per_page` beside `data`;
//! `limit` + `skip` slices without them; `return=total` answers the count alone. Without
//! either paging style every item is returned. Filters are read in the plain form
//! (`search=..&status=ok`) and in the bracketed form (`filter[search]=..`,
//! `filter[status][]=ok`), since the written description leaves the encoding open.

use std::cmp::Ordering;

use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, FieldError};
use crate::state::Status;

/// Page size when `page` is sent without `per_page`.
pub const DEFAULT_PER_PAGE: u64 = 15;

/// A parsed list query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    page: Option<u64>,
    per_page: Option<u64>,
    limit: Option<u64>,
    skip: u64,
    total_only: bool,
    order_by: Option<String>,
    descending: bool,
    search: Option<String>,
    statuses: Vec<String>,
}

fn number(errors: &mut Vec<FieldError>, key: &str, value: &str, min: u64) -> Option<u64> {
    match value.parse::<u64>() {
        Ok(n) if n >= min => Some(n),
        _ => {
            let text = format!("The {key} must be an integer of at least {min}");
            errors.push(FieldError::new(key, "validation.integer", text));
            None
        }
    }
}

/// Parses query pairs; `order_fields` are the fields `order_by` accepts.
pub fn parse(pairs: &[(String, String)], order_fields: &[&str]) -> ApiResult<ListQuery> {
    let mut query = ListQuery::default();
    let mut errors = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "page" => query.page = number(&mut errors, key, value, 1),
            "per_page" => query.per_page = number(&mut errors, key, value, 1),
            "limit" => query.limit = number(&mut errors, key, value, 1),
            "skip" => query.skip = number(&mut errors, key, value, 0).unwrap_or(0),
            "return" => query.total_only = value == "total",
            "order_by" => query.order_by = Some(value.clone()),
            "order" => query.descending = parse_direction(&mut errors, key, value),
            "search" | "filter[search]" => query.search = Some(value.clone()),
            "status" | "status[]" | "filter[status]" | "filter[status][]" => query
                .statuses
                .extend(value.split(',').filter(|s| !s.is_empty()).map(String::from)),
            _ => {
                let field = key
                    .strip_prefix("order_for[")
                    .and_then(|rest| rest.strip_suffix(']'));
                if let Some(field) = field {
                    query.order_by = Some(field.to_owned());
                    query.descending = parse_direction(&mut errors, key, value);
                }
            }
        }
    }
    if let Some(field) = &query.order_by
        && !order_fields.contains(&field.as_str())
    {
        let text = format!("The order_by must be one of {}", order_fields.join(", "));
        errors.push(FieldError::new("order_by", "validation.in", text));
    }
    if let Some(bad) = query.statuses.iter().find(|s| Status::parse(s).is_none()) {
        let text = format!("Unknown status {bad}");
        errors.push(FieldError::new("status", "validation.in", text));
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn parse_direction(errors: &mut Vec<FieldError>, key: &str, value: &str) -> bool {
    match value.to_ascii_lowercase().as_str() {
        "asc" => false,
        "desc" => true,
        _ => {
            errors.push(FieldError::new(
                key,
                "validation.in",
                "The order must be asc or desc",
            ));
            false
        }
    }
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

impl ListQuery {
    /// Filters, orders and pages `items` (API objects in id order) into a success envelope;
    /// `search_fields` are the string fields `search` looks into.
    pub fn answer(&self, mut items: Vec<Value>, search_fields: &[&str]) -> Value {
        if let Some(needle) = &self.search {
            let needle = needle.to_lowercase();
            items.retain(|item| {
                search_fields.iter().any(|f| {
                    item[*f]
                        .as_str()
                        .is_some_and(|s| s.to_lowercase().contains(&needle))
                })
            });
        }
        if !self.statuses.is_empty() {
            items.retain(|item| {
                self.statuses
                    .iter()
                    .any(|s| item["status"].as_str() == Some(s))
            });
        }
        if let Some(field) = &self.order_by {
            // A stable sort keeps id order among equal keys.
            items.sort_by(|a, b| compare(&a[field], &b[field]));
        }
        if self.descending {
            items.reverse();
        }

        let total = items.len() as u64;
        if self.total_only {
            return json!({ "result": "success", "data": total });
        }
        if let Some(page) = self.page {
            let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
            let data: Vec<Value> = items
                .into_iter()
                .skip(((page - 1) * per_page) as usize)
                .take(per_page as usize)
                .collect();
            return json!({
                "result": "success",
                "data": data,
                "total": total,
                "page": page,
                "pages": total.div_ceil(per_page),
                "items_per_page": per_page,
            });
        }
        let data: Vec<Value> = items
            .into_iter()
            .skip(self.skip as usize)
            .take(self.limit.map_or(usize::MAX, |l| l as usize))
            .collect();
        json!({ "result": "success", "data": data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    fn items() -> Vec<Value> {
        (1..=7)
            .map(|i| {
                let status = if i % 2 == 0 { "ok" } else { "creating" };
                json!({"id": i, "description": format!("user {}", 8 - i), "status": status})
            })
            .collect()
    }

    fn run(query: &str) -> Value {
        parse(&pairs(query), &["description", "status"])
            .unwrap()
            .answer(items(), &["description"])
    }

    #[test]
    fn page_adds_the_paging_fields() {
        let answer = run("page=3&per_page=3");
        assert_eq!(answer["data"].as_array().unwrap().len(), 1);
        assert_eq!(answer["data"][0]["id"], 7);
        assert_eq!(answer["total"], 7);
        assert_eq!(answer["pages"], 3);
        assert_eq!(answer["items_per_page"], 3);
        assert_eq!(answer["page"], 3);
    }

    #[test]
    fn limit_and_skip_slice_without_paging_fields() {
        let answer = run("limit=2&skip=5");
        let ids: Vec<_> = answer["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].clone())
            .collect();
        assert_eq!(ids, [json!(6), json!(7)]);
        assert!(answer.get("total").is_none());
    }

    #[test]
    fn total_filters_and_order() {
        assert_eq!(run("return=total&status=ok")["data"], 3);
        assert_eq!(
            run("return=total&filter[status][]=ok&filter[status][]=creating")["data"],
            7
        );
        assert_eq!(run("search=USER 3")["data"][0]["id"], 5);
        assert_eq!(run("order_by=description")["data"][0]["id"], 7);
        assert_eq!(run("order_by=description&order=desc")["data"][0]["id"], 1);
        assert_eq!(run("order_for[description]=asc")["data"][0]["id"], 7);
    }

    #[test]
    fn bad_parameters_are_validation_errors() {
        let bad = parse(&pairs("page=0&order_by=secret&status=sleepy"), &["status"]);
        let Err(ApiError::Validation(errors)) = bad else {
            panic!("expected a validation error");
        };
        let attributes: Vec<_> = errors.iter().map(|e| e.attribute.as_str()).collect();
        assert_eq!(attributes, ["page", "order_by", "status"]);
    }
}
