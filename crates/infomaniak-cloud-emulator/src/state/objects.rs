//! The objects of the service (users, projects, products), the changes that can be in
//! flight for them, and how the API shows them.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Op, Status};

/// A change to a user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum UserChange {
    /// The user is being created.
    Create,
    /// Fields are being changed, a password set or an invitation sent.
    Update {
        /// New description, if any.
        description: Option<String>,
        /// Whether a password is being set.
        password: bool,
        /// Whether a password link is being e-mailed.
        invitation: bool,
    },
    /// The user is being deleted.
    Delete,
}

/// A change to a project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ProjectChange {
    /// The project is being created.
    Create,
    /// The project is being renamed.
    Rename(String),
    /// The project and its users are being deleted.
    Delete,
}

/// What every kind of change in flight can tell.
pub trait Change {
    /// Transitional status shown while the change is in flight.
    fn status(&self) -> Status;

    /// Whether the change deletes the object, which is then on its way out.
    fn is_delete(&self) -> bool;
}

impl Change for UserChange {
    fn status(&self) -> Status {
        match self {
            UserChange::Create => Status::Creating,
            UserChange::Update { .. } => Status::Updating,
            UserChange::Delete => Status::Deleting,
        }
    }

    fn is_delete(&self) -> bool {
        matches!(self, UserChange::Delete)
    }
}

impl Change for ProjectChange {
    fn status(&self) -> Status {
        match self {
            ProjectChange::Create => Status::Creating,
            ProjectChange::Rename(_) => Status::Updating,
            ProjectChange::Delete => Status::Deleting,
        }
    }

    fn is_delete(&self) -> bool {
        matches!(self, ProjectChange::Delete)
    }
}

/// An OpenStack user of a project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// `public_cloud_user_id`.
    pub id: u64,
    /// `public_cloud_project_id`.
    pub project_id: u64,
    /// Product the project belongs to.
    pub public_cloud_id: u64,
    /// `PCU-` name.
    pub open_stack_name: String,
    /// Free-text description.
    pub description: String,
    /// Status once no change is in flight.
    pub status: Status,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Whether the user has a password (set directly or through a link).
    pub password_set: bool,
    /// Number of password links e-mailed.
    pub invitations: u32,
    /// GETs of this user still to answer 404 (fault `not_found_after_create`).
    pub hidden_reads: u32,
    /// Changes in flight, applied in order.
    pub pending: VecDeque<Op<UserChange>>,
}

impl User {
    /// Status as the API shows it.
    pub fn shown_status(&self) -> Status {
        self.pending
            .front()
            .map_or(self.status, |op| op.change.status())
    }

    /// The API's user object.
    pub fn view(&self) -> Value {
        json!({
            "public_cloud_user_id": self.id,
            "public_cloud_project_id": self.project_id,
            "open_stack_name": self.open_stack_name,
            "description": self.description,
            "status": self.shown_status().as_str(),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    /// The control API's user object: the API's plus what only the emulator knows.
    pub fn control_view(&self) -> Value {
        let mut view = self.view();
        view["password_set"] = json!(self.password_set);
        view["invitations"] = json!(self.invitations);
        view["public_cloud_id"] = json!(self.public_cloud_id);
        view
    }

    /// Whether a change is in flight.
    pub fn is_busy(&self) -> bool {
        !self.pending.is_empty()
    }
}

/// A project of a Public Cloud product.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    /// `public_cloud_project_id`.
    pub id: u64,
    /// Product it belongs to.
    pub public_cloud_id: u64,
    /// `PCP-` name.
    pub open_stack_name: String,
    /// Display name.
    pub name: String,
    /// Status once no change is in flight.
    pub status: Status,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Changes in flight, applied in order.
    pub pending: VecDeque<Op<ProjectChange>>,
}

impl Project {
    /// The API's project object.
    pub fn view(&self, user_count: usize) -> Value {
        let status = self
            .pending
            .front()
            .map_or(self.status, |op| op.change.status());
        json!({
            "public_cloud_project_id": self.id,
            "public_cloud_id": self.public_cloud_id,
            "open_stack_name": self.open_stack_name,
            "name": self.name,
            "price": 0.0,
            "resource_level": 1,
            "status": status.as_str(),
            "price_updated_at": null,
            "billing_start_at": null,
            "billing_end_at": null,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "user_count": user_count,
            "tags": [],
            "meta": [],
        })
    }
}

/// A Public Cloud product of the account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublicCloud {
    /// `public_cloud_id`.
    pub id: u64,
    /// Owning account.
    pub account_id: u64,
    /// Name shown in the Manager.
    pub customer_name: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl PublicCloud {
    /// The API's product object (the vendor's schema requires the billing fields both at
    /// the top level and inside `public_cloud`, so both are given).
    pub fn view(&self, project_count: usize) -> Value {
        json!({
            "id": self.id,
            "public_cloud_id": self.id,
            "account_id": self.account_id,
            "service_id": 43,
            "service_name": "public_cloud",
            "customer_name": self.customer_name,
            "internal_name": null,
            "description": "",
            "created_at": self.created_at,
            "updated_at": self.created_at,
            "expired_at": null,
            "version": 1,
            "has_maintenance": false,
            "is_locked": false,
            "has_operation_in_progress": false,
            "tags": [],
            "unique_id": self.id,
            "is_free": false,
            "is_zero_price": false,
            "is_trial": false,
            "rights": { "technical": true, "statistic": true, "check": true, "sale": true },
            "price": 0.0,
            "price_updated_at": null,
            "project_count": project_count,
            "billing_start_at": null,
            "billing_end_at": null,
            "public_cloud": {
                "price": 0.0,
                "price_updated_at": null,
                "updated_at": self.created_at,
                "project_count": project_count,
                "billing_start_at": null,
                "billing_end_at": null,
            },
        })
    }
}
