//! OpenStack users of a project: list, read, create (with a password or by invitation),
//! change, delete, send a new password link, and wait for each to take effect.
//!
//! `cloud` is the `public_cloud_id` of the product and `project` the
//! `public_cloud_project_id`. Every write is asynchronous: it returns an [`Operation`] to
//! hand to [`Client::wait_operation`], after which the user itself may still be in a
//! transitional status until [`Client::wait_user_ready`] sees it settle.

use reqwest::Method;

use crate::client::Client;
use crate::error::Error;
use crate::models::{
    CreateUser, InviteUser, Operation, Page, PageRequest, UpdateUser, User, UserStatus,
};
use crate::wait::{PollState, Wait, poll_until};

fn users_path(cloud: u64, project: u64) -> String {
    format!("/1/public_clouds/{cloud}/projects/{project}/users")
}

fn user_path(cloud: u64, project: u64, user: u64) -> String {
    format!("{}/{user}", users_path(cloud, project))
}

impl Client {
    /// Reads one page of the users of a project.
    pub async fn list_users(
        &self,
        cloud: u64,
        project: u64,
        page: PageRequest,
    ) -> Result<Page<User>, Error> {
        self.get_page(&users_path(cloud, project), &[], page).await
    }

    /// Reads every user of a project, page after page.
    pub async fn list_all_users(&self, cloud: u64, project: u64) -> Result<Vec<User>, Error> {
        self.get_all(&users_path(cloud, project), &[]).await
    }

    /// Reads one user.
    pub async fn get_user(&self, cloud: u64, project: u64, user: u64) -> Result<User, Error> {
        self.get_data(&user_path(cloud, project, user), &[]).await
    }

    /// Creates a user with a password; the operation yields the new user's id.
    pub async fn create_user(
        &self,
        cloud: u64,
        project: u64,
        body: &CreateUser,
    ) -> Result<Operation<u64>, Error> {
        let path = users_path(cloud, project);
        self.write(Method::POST, &path, Some(body)).await
    }

    /// Creates a user whose password is set through a link sent to `body.email`.
    pub async fn invite_user(
        &self,
        cloud: u64,
        project: u64,
        body: &InviteUser,
    ) -> Result<Operation<u64>, Error> {
        let path = format!("{}/invite", users_path(cloud, project));
        self.write(Method::POST, &path, Some(body)).await
    }

    /// Changes the fields of `body` that are set.
    pub async fn update_user(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        body: &UpdateUser,
    ) -> Result<Operation<bool>, Error> {
        let path = user_path(cloud, project, user);
        self.write(Method::PATCH, &path, Some(body)).await
    }

    /// Deletes a user, for good.
    pub async fn delete_user(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
    ) -> Result<Operation<bool>, Error> {
        let path = user_path(cloud, project, user);
        self.write::<bool, ()>(Method::DELETE, &path, None).await
    }

    /// Sends a link to set a new password to `body.email`.
    pub async fn send_password_link(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        body: &InviteUser,
    ) -> Result<Operation<bool>, Error> {
        let path = format!("{}/invite", user_path(cloud, project, user));
        self.write(Method::POST, &path, Some(body)).await
    }

    /// Polls a user until its status settles: `ok` or `disabled` are ready, `error` fails.
    ///
    /// A 404 ends the wait with [`Error::NotFound`]; the caller knows whether that means
    /// "deleted behind our back" or "not visible yet" (see [`Client::wait_user_created`]).
    pub async fn wait_user_ready(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        wait: &Wait,
    ) -> Result<User, Error> {
        self.wait_user(cloud, project, user, wait, false).await
    }

    /// Like [`Client::wait_user_ready`], but a 404 counts as pending: just after a create
    /// the service may not list the new user yet.
    pub async fn wait_user_created(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        wait: &Wait,
    ) -> Result<User, Error> {
        self.wait_user(cloud, project, user, wait, true).await
    }

    /// Polls a user until reading it answers 404.
    pub async fn wait_user_deleted(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        wait: &Wait,
    ) -> Result<(), Error> {
        let what = format!("user {user} to be deleted");
        poll_until(wait, &what, || async {
            match self.get_user(cloud, project, user).await {
                Err(err) if err.is_not_found() => Ok(PollState::Ready(())),
                Err(err) => Err(err),
                Ok(found) if found.status == UserStatus::Error => {
                    Ok(PollState::Failed(user_failed(&found)))
                }
                Ok(found) => Ok(PollState::Pending(format!("status {}", found.status))),
            }
        })
        .await
    }

    async fn wait_user(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        wait: &Wait,
        tolerate_not_found: bool,
    ) -> Result<User, Error> {
        let what = format!("user {user} to be ready");
        poll_until(wait, &what, || async {
            let found = match self.get_user(cloud, project, user).await {
                Ok(found) => found,
                Err(err) if tolerate_not_found && err.is_not_found() => {
                    return Ok(PollState::Pending("not found yet".into()));
                }
                Err(err) => return Err(err),
            };
            Ok(match found.status {
                UserStatus::Ok | UserStatus::Disabled => PollState::Ready(found),
                UserStatus::Error => PollState::Failed(user_failed(&found)),
                // Unknown statuses are waited on: the deadline bounds them.
                ref status => PollState::Pending(format!("status {status}")),
            })
        })
        .await
    }
}

fn user_failed(user: &User) -> Error {
    Error::UserFailed {
        user: user.public_cloud_user_id,
        status: user.status.to_string(),
    }
}
