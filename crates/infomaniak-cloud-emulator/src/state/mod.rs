//! The emulated service's data: one account, its Public Cloud products, their projects and
//! the projects' users, plus the asynchronous tasks.
//!
//! Operations in flight are kept as queued changes with a deadline on the emulator clock.
//! Nothing runs in the background: [`Store::settle`] applies every change whose deadline has
//! passed, and is called before each access, so states always follow the (possibly paused)
//! tokio clock.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, NEVER};
use crate::config::Config;
use crate::names;
use crate::tasks::Task;

mod objects;

pub use objects::{Project, ProjectChange, PublicCloud, User, UserChange};

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
    /// Emulator milliseconds at which it completes ([`NEVER`] for a stuck operation).
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

    /// Applies every change whose deadline is at or before `now_ms`.
    pub fn settle(&mut self, now_ms: i64, clock: &Clock) {
        let mut gone_users = Vec::new();
        for user in self.users.values_mut() {
            while user.pending.front().is_some_and(|op| op.due_ms <= now_ms) {
                let op = user.pending.pop_front().expect("front exists");
                if !apply_user_op(user, op, clock) {
                    gone_users.push(user.id);
                    break;
                }
            }
        }
        for id in gone_users {
            self.users.remove(&id);
        }

        let mut gone_projects = Vec::new();
        for project in self.projects.values_mut() {
            while project
                .pending
                .front()
                .is_some_and(|op| op.due_ms <= now_ms)
            {
                let op = project.pending.pop_front().expect("front exists");
                if !apply_project_op(project, op, clock) {
                    gone_projects.push(project.id);
                    break;
                }
            }
        }
        for id in gone_projects {
            self.projects.remove(&id);
            self.users.retain(|_, u| u.project_id != id);
        }
    }

    /// Moves every deadline by `shift_ms` (used when a saved store is loaded on a new clock).
    pub fn rebase(&mut self, shift_ms: i64) {
        let shift = |due: &mut i64| {
            if *due != NEVER {
                *due += shift_ms;
            }
        };
        for user in self.users.values_mut() {
            user.pending.iter_mut().for_each(|op| shift(&mut op.due_ms));
        }
        for project in self.projects.values_mut() {
            project
                .pending
                .iter_mut()
                .for_each(|op| shift(&mut op.due_ms));
        }
        for task in self.tasks.values_mut() {
            shift(&mut task.due_ms);
            shift(&mut task.created_ms);
        }
    }
}

/// Applies a completed user change; false when the user is gone.
fn apply_user_op(user: &mut User, op: Op<UserChange>, clock: &Clock) -> bool {
    user.updated_at = clock.unix_at(op.due_ms);
    let end = match op.outcome {
        Outcome::Error => Status::Error,
        _ => Status::Ok,
    };
    match (op.change, op.outcome) {
        (UserChange::Create, Outcome::Failed) => return false,
        (UserChange::Create, _) => user.status = end,
        (UserChange::Update { .. }, Outcome::Failed) => {}
        (
            UserChange::Update {
                description,
                password,
                invitation,
            },
            _,
        ) => {
            if let Some(description) = description {
                user.description = description;
            }
            user.password_set |= password;
            user.invitations += u32::from(invitation);
            user.status = end;
        }
        (UserChange::Delete, Outcome::Ok) => return false,
        (UserChange::Delete, Outcome::Failed) => {}
        (UserChange::Delete, Outcome::Error) => user.status = Status::Error,
    }
    true
}

/// Applies a completed project change; false when the project is gone.
fn apply_project_op(project: &mut Project, op: Op<ProjectChange>, clock: &Clock) -> bool {
    project.updated_at = clock.unix_at(op.due_ms);
    match (op.change, op.outcome) {
        (ProjectChange::Create, Outcome::Failed) => return false,
        (ProjectChange::Delete, Outcome::Ok) => return false,
        (ProjectChange::Rename(name), outcome) if outcome != Outcome::Failed => {
            project.name = name;
            project.status = Status::Ok;
        }
        (_, Outcome::Error) => project.status = Status::Error,
        _ => project.status = Status::Ok,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (Store, Clock) {
        let clock = Clock::start();
        (Store::seed(&Config::default(), &clock), clock)
    }

    fn queue(store: &mut Store, change: UserChange, due_ms: i64, outcome: Outcome) -> u64 {
        let id = *store.users.keys().next().unwrap();
        store.users.get_mut(&id).unwrap().pending.push_back(Op {
            change,
            due_ms,
            outcome,
        });
        id
    }

    #[test]
    fn seed_holds_one_product_project_and_ok_user() {
        let (store, _) = store();
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

    #[test]
    fn update_applies_only_at_its_deadline() {
        let (mut store, clock) = store();
        let change = UserChange::Update {
            description: Some("new".into()),
            password: false,
            invitation: true,
        };
        let id = queue(&mut store, change, 1_000, Outcome::Ok);
        store.settle(999, &clock);
        assert_eq!(store.users[&id].shown_status(), Status::Updating);
        assert_eq!(store.users[&id].description, "first user");
        store.settle(1_000, &clock);
        assert_eq!(store.users[&id].shown_status(), Status::Ok);
        assert_eq!(store.users[&id].description, "new");
        assert_eq!(store.users[&id].invitations, 1);
    }

    #[test]
    fn failed_update_leaves_the_user_unchanged_and_ok() {
        let (mut store, clock) = store();
        let change = UserChange::Update {
            description: Some("new".into()),
            password: false,
            invitation: false,
        };
        let id = queue(&mut store, change, 10, Outcome::Failed);
        store.settle(10, &clock);
        assert_eq!(store.users[&id].description, "first user");
        assert_eq!(store.users[&id].shown_status(), Status::Ok);
    }

    #[test]
    fn delete_shows_deleting_then_removes() {
        let (mut store, clock) = store();
        let id = queue(&mut store, UserChange::Delete, 10, Outcome::Ok);
        store.settle(5, &clock);
        assert_eq!(store.users[&id].shown_status(), Status::Deleting);
        store.settle(10, &clock);
        assert!(!store.users.contains_key(&id));
    }

    #[test]
    fn project_delete_removes_its_users() {
        let (mut store, clock) = store();
        store
            .projects
            .get_mut(&2001)
            .unwrap()
            .pending
            .push_back(Op {
                change: ProjectChange::Delete,
                due_ms: 10,
                outcome: Outcome::Ok,
            });
        store.settle(10, &clock);
        assert!(store.projects.is_empty());
        assert!(store.users.is_empty());
    }

    #[test]
    fn rebase_keeps_stuck_operations_stuck() {
        let (mut store, _) = store();
        let id = queue(&mut store, UserChange::Create, NEVER, Outcome::Ok);
        store.rebase(-5_000);
        assert_eq!(store.users[&id].pending[0].due_ms, NEVER);
    }
}
