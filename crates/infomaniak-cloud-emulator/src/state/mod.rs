//! The emulated service's data: one account, its Public Cloud products, their projects and
//! the projects' users, plus the asynchronous tasks.
//!
//! Operations in flight are kept as queued changes with a deadline on the emulator clock.
//! Nothing runs in the background: [`Store::settle`] applies every change whose deadline has
//! passed, and is called before each access, so states always follow the (possibly paused)
//! tokio clock.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::config::Config;
use crate::names;
use crate::tasks::Task;

mod objects;
mod settle;

pub use objects::{Change, Project, ProjectChange, PublicCloud, User, UserChange};

/// Status of a user or a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being created.
    Creating,
    /// A change is being applied.
    Updating,
    /// Being deleted.
    Deleting,
    /// Being disabled.
    Disabling,
    /// Disabled.
    Disabled,
    /// The last operation went wrong.
    Error,
    /// Ready.
    Ok,
}

impl Status {
    /// Every status, in the API's order.
    pub const ALL: [Status; 7] = [
        Status::Creating,
        Status::Deleting,
        Status::Disabled,
        Status::Disabling,
        Status::Error,
        Status::Ok,
        Status::Updating,
    ];

    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Creating => "creating",
            Status::Updating => "updating",
            Status::Deleting => "deleting",
            Status::Disabling => "disabling",
            Status::Disabled => "disabled",
            Status::Error => "error",
            Status::Ok => "ok",
        }
    }

    /// Parses the API's spelling.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How an operation in flight ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// The change applies and the object is `ok`.
    Ok,
    /// The change applies and the object ends in `error`.
    Error,
    /// The change is abandoned (a created object vanishes, others stay as they were).
    Failed,
}

/// A change in flight and when it completes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Op<C> {
    /// What changes.
    pub change: C,
    /// Emulator milliseconds at which it completes ([`NEVER`](crate::clock::NEVER) for a
    /// stuck operation).
    pub due_ms: i64,
    /// How it ends.
    pub outcome: Outcome,
}

/// Everything the service holds; serialised as the state file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Store {
    /// The account id.
    pub account_id: u64,
    /// Products by id.
    pub public_clouds: BTreeMap<u64, PublicCloud>,
    /// Projects by id.
    pub projects: BTreeMap<u64, Project>,
    /// Users by id.
    pub users: BTreeMap<u64, User>,
    /// Tasks by uuid.
    pub tasks: BTreeMap<String, Task>,
    /// Next id to hand out to a project or user.
    pub next_id: u64,
    /// Project that cannot be deleted (the one the account was opened with).
    pub protected_project_id: u64,
    /// Emulator milliseconds when the store was saved; deadlines are relative to it.
    #[serde(default)]
    pub saved_at_ms: i64,
}

impl Store {
    /// The seed: the account, one product, one project with its first user, all `ok`.
    pub fn seed(config: &Config, clock: &Clock) -> Store {
        let now = clock.unix_now();
        let mut store = Store {
            account_id: config.account_id,
            public_clouds: BTreeMap::new(),
            projects: BTreeMap::new(),
            users: BTreeMap::new(),
            tasks: BTreeMap::new(),
            next_id: config.project_id.max(config.public_cloud_id) + 1000,
            protected_project_id: config.project_id,
            saved_at_ms: 0,
        };
        store.public_clouds.insert(
            config.public_cloud_id,
            PublicCloud {
                id: config.public_cloud_id,
                account_id: config.account_id,
                customer_name: "Emulated Public Cloud".to_owned(),
                created_at: now,
            },
        );
        let project_name = store.new_project_name();
        store.projects.insert(
            config.project_id,
            Project {
                id: config.project_id,
                public_cloud_id: config.public_cloud_id,
                open_stack_name: project_name,
                name: "default".to_owned(),
                status: Status::Ok,
                created_at: now,
                updated_at: now,
                pending: VecDeque::new(),
            },
        );
        let user_id = store.next_id();
        let mut user = store.new_user(user_id, config.project_id, "first user", now);
        user.status = Status::Ok;
        user.password_set = true;
        store.users.insert(user_id, user);
        store
    }

    /// Hands out a fresh id.
    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A user not yet inserted, `creating` with no change queued.
    pub fn new_user(&self, id: u64, project_id: u64, description: &str, now: i64) -> User {
        let public_cloud_id = self
            .projects
            .get(&project_id)
            .map_or(0, |p| p.public_cloud_id);
        User {
            id,
            project_id,
            public_cloud_id,
            open_stack_name: names::generate(names::USER_PREFIX, |n| {
                self.users.values().any(|u| u.open_stack_name == n)
            }),
            description: description.to_owned(),
            status: Status::Creating,
            created_at: now,
            updated_at: now,
            password_set: false,
            invitations: 0,
            hidden_reads: 0,
            pending: VecDeque::new(),
        }
    }

    /// A unique `PCP-` name.
    pub fn new_project_name(&self) -> String {
        names::generate(names::PROJECT_PREFIX, |n| {
            self.projects.values().any(|p| p.open_stack_name == n)
        })
    }

    /// Users of a project, in id order.
    pub fn project_users(&self, project_id: u64) -> impl Iterator<Item = &User> {
        self.users
            .values()
            .filter(move |u| u.project_id == project_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_holds_one_product_project_and_ok_user() {
        let store = Store::seed(&Config::default(), &Clock::start());
        assert_eq!(store.public_clouds.len(), 1);
        assert_eq!(store.projects[&2001].status, Status::Ok);
        let users: Vec<_> = store.project_users(2001).collect();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].shown_status(), Status::Ok);
        assert!(names::is_valid(
            names::USER_PREFIX,
            &users[0].open_stack_name
        ));
    }
}
