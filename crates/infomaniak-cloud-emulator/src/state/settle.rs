//! How queued changes take effect: [`Store::settle`] applies each change once its deadline
//! has passed, in the order the changes were queued, and [`Store::rebase`] moves the
//! deadlines when a saved store is loaded on a new clock.

use super::{Op, Outcome, Project, ProjectChange, Status, Store, User, UserChange};
use crate::clock::{Clock, NEVER};

impl Store {
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
    use crate::config::Config;

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
