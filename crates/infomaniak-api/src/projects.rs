//! Projects of a Public Cloud product: list, read, create (always with a first user),
//! create by invitation, rename, delete.
//!
//! Deleting a project deletes its users too; the vendor can restore it for 7 days, and may
//! refuse with HTTP 400 `public_cloud_project_cannot_be_deleted`.

use std::fmt;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Error;
use crate::models::{Operation, Page, PageRequest, ProjectStatus, null_as_empty};
use crate::wait::{PollState, Wait, poll_until};

/// One project of a Public Cloud product.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Project {
    /// The API's id of the project.
    pub public_cloud_project_id: u64,
    /// The id of the product the project belongs to.
    pub public_cloud_id: u64,
    /// The OpenStack project name (`PCP-...`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub open_stack_name: String,
    /// The name chosen by the customer.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub name: String,
    /// Where the project is in its life cycle.
    pub status: ProjectStatus,
    /// How many users the project holds.
    #[serde(default)]
    pub user_count: Option<u64>,
    /// Creation time, Unix seconds.
    #[serde(default)]
    pub created_at: i64,
    /// Last change time, Unix seconds.
    #[serde(default)]
    pub updated_at: i64,
}

/// Body of `POST .../projects`: a project and its first user, with a password.
#[derive(Clone, Serialize, PartialEq, Eq)]
pub struct CreateProject {
    /// The project name, at most 250 characters.
    pub project_name: String,
    /// The first user's password.
    pub user_password: String,
    /// The first user's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_description: Option<String>,
    /// An address to send the first user's details to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
}

impl fmt::Debug for CreateProject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateProject")
            .field("project_name", &self.project_name)
            .field("user_password", &"<redacted>")
            .field("user_description", &self.user_description)
            .field(
                "user_email",
                &self.user_email.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Body of `POST .../projects/invite`: a project whose first user sets a password by link.
#[derive(Clone, Serialize, PartialEq, Eq)]
pub struct InviteProject {
    /// The project name, at most 250 characters.
    pub project_name: String,
    /// Where the link to set the first user's password is sent.
    pub user_email: String,
    /// The first user's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_description: Option<String>,
}

impl fmt::Debug for InviteProject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InviteProject")
            .field("project_name", &self.project_name)
            .field("user_email", &"<redacted>")
            .field("user_description", &self.user_description)
            .finish()
    }
}

#[derive(Serialize)]
struct RenameProject<'a> {
    name: &'a str,
}

fn projects_path(cloud: u64) -> String {
    format!("/1/public_clouds/{cloud}/projects")
}

fn project_path(cloud: u64, project: u64) -> String {
    format!("{}/{project}", projects_path(cloud))
}

impl Client {
    /// Reads one page of the projects of a product.
    pub async fn list_projects(
        &self,
        cloud: u64,
        page: PageRequest,
    ) -> Result<Page<Project>, Error> {
        self.get_page(&projects_path(cloud), &[], page).await
    }

    /// Reads every project of a product.
    pub async fn list_all_projects(&self, cloud: u64) -> Result<Vec<Project>, Error> {
        self.get_all(&projects_path(cloud), &[]).await
    }

    /// Reads one project.
    pub async fn get_project(&self, cloud: u64, project: u64) -> Result<Project, Error> {
        self.get_data(&project_path(cloud, project), &[]).await
    }

    /// Creates a project with its first user; the operation yields the new project's id.
    pub async fn create_project(
        &self,
        cloud: u64,
        body: &CreateProject,
    ) -> Result<Operation<u64>, Error> {
        self.write(Method::POST, &projects_path(cloud), Some(body))
            .await
    }

    /// Creates a project whose first user is invited by email.
    pub async fn invite_project(
        &self,
        cloud: u64,
        body: &InviteProject,
    ) -> Result<Operation<u64>, Error> {
        let path = format!("{}/invite", projects_path(cloud));
        self.write(Method::POST, &path, Some(body)).await
    }

    /// Renames a project.
    pub async fn rename_project(
        &self,
        cloud: u64,
        project: u64,
        name: &str,
    ) -> Result<Operation<bool>, Error> {
        let path = project_path(cloud, project);
        self.write(Method::PATCH, &path, Some(&RenameProject { name }))
            .await
    }

    /// Deletes a project and all its users.
    pub async fn delete_project(&self, cloud: u64, project: u64) -> Result<Operation<bool>, Error> {
        let path = project_path(cloud, project);
        self.write::<bool, ()>(Method::DELETE, &path, None).await
    }

    /// Polls a project until its status leaves the transitional states; `error` fails.
    pub async fn wait_project_ready(
        &self,
        cloud: u64,
        project: u64,
        wait: &Wait,
    ) -> Result<Project, Error> {
        let what = format!("project {project} to be ready");
        poll_until(wait, &what, || async {
            let found = self.get_project(cloud, project).await?;
            Ok(match found.status {
                ProjectStatus::Ok | ProjectStatus::Disabled => PollState::Ready(found),
                ProjectStatus::Error => PollState::Failed(Error::ProjectFailed {
                    project,
                    status: found.status.to_string(),
                }),
                ref status => PollState::Pending(format!("status {status}")),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_bodies_redact_secrets() {
        let create = CreateProject {
            project_name: "p".into(),
            user_password: "Pa55wordX".into(),
            user_description: None,
            user_email: Some("me@example.com".into()),
        };
        let invite = InviteProject {
            project_name: "p".into(),
            user_email: "you@example.com".into(),
            user_description: None,
        };
        let shown = format!("{create:?} {invite:?}");
        assert!(
            !shown.contains("Pa55word") && !shown.contains("@example.com"),
            "{shown}"
        );
    }

    #[test]
    fn project_reads_leniently() {
        let project: Project = serde_json::from_value(serde_json::json!({
            "public_cloud_project_id": 2001, "public_cloud_id": 1001,
            "open_stack_name": "PCP-XYZ", "name": null, "status": "ok"
        }))
        .unwrap();
        assert_eq!(project.name, "");
        assert_eq!(project.user_count, None);
    }
}
