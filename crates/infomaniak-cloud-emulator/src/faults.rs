//! Faults injected through the control API. They wait in a queue and each fires once, on
//! the first request it applies to, so a test can script one failure at a precise step.

use serde::{Deserialize, Serialize};

/// One fault to inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// The next `count` API requests answer 429, with `Retry-After` when `retry_after` is set.
    RateLimited {
        /// Requests to refuse.
        #[serde(default = "one")]
        count: u32,
        /// Seconds for the `Retry-After` header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// The next user create answers 500 yet creates the user.
    #[serde(rename = "create_500")]
    Create500,
    /// The next asynchronous user write's task ends `failed`.
    TaskFailed,
    /// The next created or changed user ends in status `error`.
    UserError,
    /// The next created user stays `creating` forever.
    StuckCreating,
    /// The first `reads` GETs of the next created user answer 404.
    NotFoundAfterCreate {
        /// GETs to answer 404.
        reads: u32,
    },
}

fn one() -> u32 {
    1
}

/// What a fault is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// [`Fault::Create500`].
    Create500,
    /// [`Fault::TaskFailed`].
    TaskFailed,
    /// [`Fault::UserError`].
    UserError,
    /// [`Fault::StuckCreating`].
    StuckCreating,
    /// [`Fault::NotFoundAfterCreate`].
    NotFoundAfterCreate,
}

impl Fault {
    fn kind(&self) -> Option<FaultKind> {
        match self {
            Fault::RateLimited { .. } => None,
            Fault::Create500 => Some(FaultKind::Create500),
            Fault::TaskFailed => Some(FaultKind::TaskFailed),
            Fault::UserError => Some(FaultKind::UserError),
            Fault::StuckCreating => Some(FaultKind::StuckCreating),
            Fault::NotFoundAfterCreate { .. } => Some(FaultKind::NotFoundAfterCreate),
        }
    }
}

/// Pending faults, oldest first.
#[derive(Debug, Default, Clone)]
pub struct FaultQueue {
    queue: Vec<Fault>,
}

impl FaultQueue {
    /// Queues a fault.
    pub fn push(&mut self, fault: Fault) {
        self.queue.push(fault);
    }

    /// Pending faults.
    pub fn pending(&self) -> &[Fault] {
        &self.queue
    }

    /// Drops every fault.
    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Removes and returns the oldest fault of a kind.
    pub fn take(&mut self, kind: FaultKind) -> Option<Fault> {
        let index = self.queue.iter().position(|f| f.kind() == Some(kind))?;
        Some(self.queue.remove(index))
    }

    /// Consumes one refusal of the oldest `rate_limited` fault; `Some(retry_after)` when
    /// this request must answer 429.
    pub fn take_rate_limited(&mut self) -> Option<Option<u64>> {
        let index = self
            .queue
            .iter()
            .position(|f| matches!(f, Fault::RateLimited { .. }))?;
        let Fault::RateLimited { count, retry_after } = &mut self.queue[index] else {
            unreachable!("position matched a rate_limited fault");
        };
        let answer = *retry_after;
        *count = count.saturating_sub(1);
        if *count == 0 {
            self.queue.remove(index);
        }
        Some(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn faults_parse_from_the_control_api_shape() {
        let fault: Fault = serde_json::from_value(json!({"fault": "create_500"})).unwrap();
        assert_eq!(fault, Fault::Create500);
        let fault: Fault =
            serde_json::from_value(json!({"fault": "not_found_after_create", "reads": 2})).unwrap();
        assert_eq!(fault, Fault::NotFoundAfterCreate { reads: 2 });
        assert!(serde_json::from_value::<Fault>(json!({"fault": "nope"})).is_err());
    }

    #[test]
    fn rate_limited_fires_count_times_then_leaves() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::RateLimited {
            count: 2,
            retry_after: Some(3),
        });
        assert_eq!(queue.take_rate_limited(), Some(Some(3)));
        assert_eq!(queue.take_rate_limited(), Some(Some(3)));
        assert_eq!(queue.take_rate_limited(), None);
        assert!(queue.pending().is_empty());
    }

    #[test]
    fn take_finds_the_oldest_of_a_kind_and_keeps_the_rest() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::UserError);
        queue.push(Fault::TaskFailed);
        assert_eq!(queue.take(FaultKind::TaskFailed), Some(Fault::TaskFailed));
        assert_eq!(queue.take(FaultKind::TaskFailed), None);
        assert_eq!(queue.pending(), &[Fault::UserError]);
    }
}
