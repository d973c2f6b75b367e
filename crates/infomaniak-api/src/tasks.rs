//! Asynchronous tasks: reading one, and waiting for a write's [`Operation`] to finish.
//!
//! The live service answers writes with `{"result":"delayed","data":"<uuid>"}`; the task at
//! `/1/async/tasks/{uuid}` then goes `spooled` → `running` → `executed` (its `response` is
//! the original call's envelope) or `failed` (its `error` says why).

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::envelope::Call;
use crate::error::Error;
use crate::models::{Operation, Task, TaskStatus};
use crate::wait::{PollState, Wait, poll_until};

impl Client {
    /// Reads one asynchronous task.
    pub async fn get_task(&self, uuid: &str) -> Result<Task, Error> {
        let path = format!("/1/async/tasks/{uuid}");
        // The uuid comes from the API, but it becomes part of a path: keep it to one segment.
        if uuid.is_empty() || !uuid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Call::new("GET", "/1/async/tasks/{uuid}").decode("malformed task uuid"));
        }
        self.get_data(&path, &[]).await
    }

    /// Returns the result of `op`, polling its task until it is executed or failed.
    pub async fn wait_operation<T: DeserializeOwned>(
        &self,
        op: Operation<T>,
        wait: &Wait,
    ) -> Result<T, Error> {
        let uuid = match op {
            Operation::Done(value) => return Ok(value),
            Operation::Task(uuid) => uuid,
        };

        let what = format!("task {uuid}");
        let task = poll_until(wait, &what, || async {
            let task = self.get_task(&uuid).await?;
            Ok(match task.status {
                TaskStatus::Executed => PollState::Ready(task),
                TaskStatus::Failed => PollState::Failed(task_failed(&uuid, task.error.as_ref())),
                ref other => PollState::Pending(format!("status {}", other.as_str())),
            })
        })
        .await?;

        task_result(&uuid, task.response)
    }
}

/// The error of a failed task, from an `{code, description}` object or a bare string.
fn task_failed(uuid: &str, error: Option<&Value>) -> Error {
    let field = |name: &str| {
        error
            .and_then(|e| e.get(name))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (code, description) = match error {
        Some(Value::String(text)) => (String::new(), text.clone()),
        _ => (field("code"), field("description")),
    };
    Error::TaskFailed {
        task: uuid.to_owned(),
        code,
        description,
    }
}

/// Decodes an executed task's `response`: the original call's envelope, possibly as a
/// JSON string, or (for text answers) the bare result.
pub(crate) fn task_result<T: DeserializeOwned>(
    uuid: &str,
    response: Option<Value>,
) -> Result<T, Error> {
    let call = Call::new("GET", format!("/1/async/tasks/{uuid}"));
    let response = match response.unwrap_or(Value::Null) {
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(parsed @ Value::Object(_)) => parsed,
            _ => Value::String(text),
        },
        other => other,
    };

    let data = match response {
        Value::Object(mut envelope) if envelope.contains_key("result") => {
            if envelope.get("result").and_then(Value::as_str) == Some("error") {
                return Err(task_failed(uuid, envelope.get("error")));
            }
            envelope.remove("data").unwrap_or(Value::Null)
        }
        bare => bare,
    };
    serde_json::from_value(data).map_err(|e| call.decode(format!("task response: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_as_object_string_or_bare() {
        let env = json!({"result": "success", "data": 12});
        assert_eq!(task_result::<u64>("t", Some(env.clone())).unwrap(), 12);
        assert_eq!(
            task_result::<u64>("t", Some(Value::String(env.to_string()))).unwrap(),
            12
        );
        let text = "export OS_USERNAME=PCU-AAAAAAA\n";
        assert_eq!(task_result::<String>("t", Some(json!(text))).unwrap(), text);
    }

    #[test]
    fn error_inside_response_or_task_is_task_failed() {
        let env = json!({"result": "error", "error": {"code": "boom", "description": "d"}});
        let err = task_result::<u64>("t1", Some(env)).unwrap_err();
        assert!(
            matches!(&err, Error::TaskFailed { task, code, .. } if task == "t1" && code == "boom")
        );
        let err = task_failed("t2", Some(&json!("plain reason")));
        assert!(err.to_string().contains("plain reason"));
    }

    #[test]
    fn missing_response_decodes_only_into_unit_like() {
        assert!(task_result::<u64>("t", None).is_err());
        assert_eq!(task_result::<Option<u64>>("t", None).unwrap(), None);
    }
}
