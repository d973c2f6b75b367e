//! The objects the API reads and writes: users, their statuses, request bodies, pages, tasks.
//!
//! Request bodies that hold a password or an email redact them in `Debug`, so logging a body
//! by mistake cannot leak them. Read objects are lenient where the service is known to be
//! (a `null` description reads as empty, an unknown status is kept as text).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

const REDACTED: &str = "<redacted>";

/// One OpenStack user of a Public Cloud project.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct User {
    /// The API's id of the user.
    pub public_cloud_user_id: u64,
    /// The id of the project the user belongs to.
    pub public_cloud_project_id: u64,
    /// The OpenStack user name the service generated (`PCU-` and 7 characters).
    pub open_stack_name: String,
    /// The free-text description; `null` from the API reads as empty.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub description: String,
    /// Where the user is in its life cycle.
    pub status: UserStatus,
    /// Creation time, Unix seconds.
    pub created_at: i64,
    /// Last change time, Unix seconds.
    pub updated_at: i64,
}

/// The life-cycle status of a user (projects use the same set).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// Being created; not usable yet.
    Creating,
    /// A change is being applied.
    Updating,
    /// Being deleted.
    Deleting,
    /// Being disabled.
    Disabling,
    /// Exists but cannot log in.
    Disabled,
    /// The service failed to apply the last operation.
    Error,
    /// Ready.
    Ok,
    /// A status this client does not know, kept verbatim.
    Other(String),
}

/// Projects share the status set of users.
pub type ProjectStatus = UserStatus;

impl UserStatus {
    /// The status as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            UserStatus::Creating => "creating",
            UserStatus::Updating => "updating",
            UserStatus::Deleting => "deleting",
            UserStatus::Disabling => "disabling",
            UserStatus::Disabled => "disabled",
            UserStatus::Error => "error",
            UserStatus::Ok => "ok",
            UserStatus::Other(s) => s,
        }
    }

    /// True while an operation is still being applied to the object.
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            UserStatus::Creating
                | UserStatus::Updating
                | UserStatus::Deleting
                | UserStatus::Disabling
        )
    }
}

impl From<&str> for UserStatus {
    fn from(s: &str) -> Self {
        match s {
            "creating" => UserStatus::Creating,
            "updating" => UserStatus::Updating,
            "deleting" => UserStatus::Deleting,
            "disabling" => UserStatus::Disabling,
            "disabled" => UserStatus::Disabled,
            "error" => UserStatus::Error,
            "ok" => UserStatus::Ok,
            other => UserStatus::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UserStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(UserStatus::from(s.as_str()))
    }
}

/// Body of `POST .../users`: a user whose password is set now.
#[derive(Clone, Serialize, PartialEq, Eq)]
pub struct CreateUser {
    /// The OpenStack password (the service enforces length, an upper-case letter, a digit).
    pub password: String,
    /// The description, at most 250 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl fmt::Debug for CreateUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateUser")
            .field("password", &REDACTED)
            .field("description", &self.description)
            .finish()
    }
}

/// Body of `POST .../users/invite` and `POST .../users/{id}/invite`: a password link by email.
#[derive(Clone, Serialize, PartialEq, Eq)]
pub struct InviteUser {
    /// Where the link to set the password is sent.
    pub email: String,
    /// The description, at most 250 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl fmt::Debug for InviteUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InviteUser")
            .field("email", &REDACTED)
            .field("description", &self.description)
            .finish()
    }
}

/// Body of `PATCH .../users/{id}`; only the fields that are `Some` are sent.
#[derive(Clone, Default, Serialize, PartialEq, Eq)]
pub struct UpdateUser {
    /// A new description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// An address to send a new password link to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl fmt::Debug for UpdateUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateUser")
            .field("description", &self.description)
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .field("email", &self.email.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// Which page of a list to ask for; pages count from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// The page number, from 1.
    pub page: u32,
    /// How many items per page.
    pub per_page: u32,
}

impl PageRequest {
    /// The largest page size the client asks for when it reads a whole list.
    pub const MAX_PER_PAGE: u32 = 100;

    /// The first page of `per_page` items.
    pub fn first(per_page: u32) -> Self {
        PageRequest { page: 1, per_page }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest::first(PageRequest::MAX_PER_PAGE)
    }
}

/// One page of a list, with the paging counters the API sends beside `data`.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items the whole list holds.
    pub total: u64,
    /// The number of this page, from 1.
    pub page: u32,
    /// How many pages the whole list holds.
    pub pages: u32,
}

/// A write's answer: either already applied, or an API task to poll.
#[derive(Clone, Debug, PartialEq)]
pub enum Operation<T> {
    /// The API answered `success` or `asynchronous` with the result itself.
    Done(T),
    /// The API answered `delayed` with the uuid of a task to poll.
    Task(String),
}

/// The state of an API task (`GET /1/async/tasks/{uuid}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskStatus {
    /// Queued, not started.
    Spooled,
    /// Being executed.
    Running,
    /// Done; `response` holds the original call's answer.
    Executed,
    /// Failed; `error` says why.
    Failed,
    /// A status this client does not know, kept verbatim.
    Other(String),
}

impl TaskStatus {
    /// The status as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            TaskStatus::Spooled => "spooled",
            TaskStatus::Running => "running",
            TaskStatus::Executed => "executed",
            TaskStatus::Failed => "failed",
            TaskStatus::Other(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(match s.as_str() {
            "spooled" => TaskStatus::Spooled,
            "running" => TaskStatus::Running,
            "executed" => TaskStatus::Executed,
            "failed" => TaskStatus::Failed,
            _ => TaskStatus::Other(s),
        })
    }
}

/// An asynchronous task of the API.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Task {
    /// The task's uuid.
    pub uuid: String,
    /// Where the task is.
    pub status: TaskStatus,
    /// Creation time, Unix seconds.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Last change time, Unix seconds.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// When execution started, Unix seconds.
    #[serde(default)]
    pub executed_at: Option<i64>,
    /// When execution ended, Unix seconds.
    #[serde(default)]
    pub finished_at: Option<i64>,
    /// The original call's envelope, once executed.
    #[serde(default)]
    pub response: Option<Value>,
    /// Why the task failed, once failed.
    #[serde(default)]
    pub error: Option<Value>,
}

pub(crate) fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_reads_null_description_and_unknown_status() {
        let user: User = serde_json::from_value(serde_json::json!({
            "public_cloud_user_id": 7, "public_cloud_project_id": 2,
            "open_stack_name": "PCU-ABC1234", "description": null,
            "status": "frozen", "created_at": 1, "updated_at": 2
        }))
        .unwrap();
        assert_eq!(user.description, "");
        assert_eq!(user.status, UserStatus::Other("frozen".into()));
        assert!(!user.status.is_transitional());
        assert_eq!(serde_json::to_value(&user).unwrap()["status"], "frozen");
    }

    #[test]
    fn status_round_trips_and_classifies() {
        for s in [
            "creating",
            "updating",
            "deleting",
            "disabling",
            "disabled",
            "error",
            "ok",
        ] {
            assert_eq!(UserStatus::from(s).as_str(), s);
        }
        assert!(UserStatus::Creating.is_transitional());
        assert!(!UserStatus::Ok.is_transitional());
        assert!(!UserStatus::Error.is_transitional());
    }

    #[test]
    fn bodies_redact_secrets_and_skip_absent_fields() {
        let create = CreateUser {
            password: "S3cretPassw0rd".into(),
            description: Some("ci".into()),
        };
        let invite = InviteUser {
            email: "someone@example.com".into(),
            description: None,
        };
        let update = UpdateUser {
            password: Some("N3wPassw0rd".into()),
            email: Some("other@example.com".into()),
            ..Default::default()
        };
        let shown = format!("{create:?} {invite:?} {update:?}");
        for secret in ["S3cret", "someone@", "N3wPass", "other@"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert_eq!(
            serde_json::to_value(UpdateUser {
                description: Some("d".into()),
                ..Default::default()
            })
            .unwrap(),
            serde_json::json!({"description": "d"})
        );
        assert_eq!(
            serde_json::to_value(&invite).unwrap(),
            serde_json::json!({"email": "someone@example.com"})
        );
    }
}
