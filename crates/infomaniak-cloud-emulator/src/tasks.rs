//! Asynchronous tasks, as the live service reports them at `GET /1/async/tasks/{uuid}`.
//!
//! A task's status is computed from its timestamps when read, never by a timer: `spooled`
//! for the first third of the operation's latency, `running` until its deadline, then
//! `executed` (with the original call's success envelope) or `failed` (with an error).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::Clock;

/// How a task ends, fixed when the task is created.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum TaskResult {
    /// The `data` of the original call's success envelope.
    Success(Value),
    /// The error object reported when the task fails.
    Failed(Value),
}

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// Queued, not started.
    Spooled,
    /// Being carried out.
    Running,
    /// Done successfully.
    Executed,
    /// Done with an error.
    Failed,
}

impl TaskStatus {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Spooled => "spooled",
            TaskStatus::Running => "running",
            TaskStatus::Executed => "executed",
            TaskStatus::Failed => "failed",
        }
    }
}

/// One asynchronous task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    /// Identifier handed to the caller.
    pub uuid: String,
    /// Emulator milliseconds at creation.
    pub created_ms: i64,
    /// Emulator milliseconds at which the task ends.
    pub due_ms: i64,
    /// How the task ends.
    pub result: TaskResult,
}

impl Task {
    /// Creates a task running from `now_ms` to `due_ms`.
    pub fn new(now_ms: i64, due_ms: i64, result: TaskResult) -> Task {
        Task {
            uuid: uuid::Uuid::new_v4().to_string(),
            created_ms: now_ms,
            due_ms,
            result,
        }
    }

    fn running_from_ms(&self) -> i64 {
        self.created_ms + (self.due_ms - self.created_ms) / 3
    }

    /// Status at `now_ms`.
    pub fn status(&self, now_ms: i64) -> TaskStatus {
        if now_ms >= self.due_ms {
            match self.result {
                TaskResult::Success(_) => TaskStatus::Executed,
                TaskResult::Failed(_) => TaskStatus::Failed,
            }
        } else if now_ms >= self.running_from_ms() {
            TaskStatus::Running
        } else {
            TaskStatus::Spooled
        }
    }

    /// The API's `data` object at `now_ms`. `executed_at`, `finished_at` and `response`
    /// are null until the task ends (the vendor's schema lists them without saying what
    /// an unfinished task shows).
    pub fn view(&self, now_ms: i64, clock: &Clock) -> Value {
        let status = self.status(now_ms);
        let updated_ms = match status {
            TaskStatus::Spooled => self.created_ms,
            TaskStatus::Running => self.running_from_ms(),
            TaskStatus::Executed | TaskStatus::Failed => self.due_ms,
        };
        let done = matches!(status, TaskStatus::Executed | TaskStatus::Failed);
        let finished_at = done.then(|| clock.unix_at(self.due_ms));
        let mut view = json!({
            "uuid": self.uuid,
            "status": status.as_str(),
            "created_at": clock.unix_at(self.created_ms),
            "updated_at": clock.unix_at(updated_ms),
            "executed_at": finished_at,
            "finished_at": finished_at,
            "response": null,
        });
        match (&self.result, status) {
            (TaskResult::Success(data), TaskStatus::Executed) => {
                view["response"] = json!({ "result": "success", "data": data });
            }
            (TaskResult::Failed(error), TaskStatus::Failed) => {
                view["error"] = error.clone();
            }
            _ => {}
        }
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_moves_through_spooled_running_executed() {
        let task = Task::new(1_000, 4_000, TaskResult::Success(json!(42)));
        assert_eq!(task.status(1_000), TaskStatus::Spooled);
        assert_eq!(task.status(1_999), TaskStatus::Spooled);
        assert_eq!(task.status(2_000), TaskStatus::Running);
        assert_eq!(task.status(3_999), TaskStatus::Running);
        assert_eq!(task.status(4_000), TaskStatus::Executed);
    }

    #[test]
    fn failed_task_reports_its_error_and_no_response() {
        let clock = Clock::start();
        let task = Task::new(
            0,
            10,
            TaskResult::Failed(json!({"code": "unexpected_error"})),
        );
        let view = task.view(10, &clock);
        assert_eq!(view["status"], "failed");
        assert_eq!(view["error"]["code"], "unexpected_error");
        assert!(view["response"].is_null());
    }

    #[test]
    fn executed_task_carries_the_success_envelope() {
        let clock = Clock::start();
        let task = Task::new(0, 10, TaskResult::Success(json!(true)));
        assert!(task.view(5, &clock)["response"].is_null());
        let view = task.view(10, &clock);
        assert_eq!(view["response"], json!({"result": "success", "data": true}));
        assert!(view["finished_at"].is_i64());
    }

    #[test]
    fn zero_latency_task_is_executed_at_once() {
        let task = Task::new(7, 7, TaskResult::Success(json!(1)));
        assert_eq!(task.status(7), TaskStatus::Executed);
    }
}
