//! `infomaniak_cloud_user`: an OpenStack user of a Public Cloud project.
//!
//! Every write to a user is asynchronous on the API side: the call answers with a task,
//! the task yields the user's id, and the user then passes through `creating` or
//! `updating` before it is `ok`. Each operation here waits for all of it, within the
//! `timeouts` block, and keeps in state whatever it learnt before a failure.

mod change;
mod create;
pub mod model;
mod read;
pub mod reads;
mod support;
pub mod validate;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tfplugin::diag::{AttributePath, Diagnostics};
use tfplugin::provider::{
    ApplyResourceChangeRequest, ApplyResourceChangeResponse, ImportResourceStateRequest,
    ImportResourceStateResponse, ImportedResource, PlanResourceChangeRequest,
    PlanResourceChangeResponse, ReadResourceRequest, ReadResourceResponse, Resource,
    ValidateResourceRequest, ValidateResourceResponse,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::value::{Type, Value, to_value};

use crate::provider::ProviderData;
use crate::timeouts::{self, Defaults};
use model::{CloudUser, parse_import_id};

/// The resource type name.
pub const TYPE_NAME: &str = "infomaniak_cloud_user";

/// Default time limits: the API says its operations "may take several minutes".
pub const DEFAULT_TIMEOUTS: Defaults = Defaults {
    create: Duration::from_secs(10 * 60),
    update: Duration::from_secs(10 * 60),
    delete: Duration::from_secs(10 * 60),
};

/// Attributes the API computes; all but `status` and `updated_at` never change.
const COMPUTED: [&str; 6] = [
    "id",
    "user_id",
    "username",
    "status",
    "created_at",
    "updated_at",
];

/// Arguments whose change replaces the user: a user cannot move between projects.
const FORCE_NEW: [&str; 2] = ["public_cloud_id", "project_id"];

/// Arguments changed in place by one PATCH.
const IN_PLACE: [&str; 4] = [
    "description",
    "password",
    "password_wo_version",
    "invite_email",
];

/// The `infomaniak_cloud_user` resource.
pub struct CloudUserResource {
    data: Arc<ProviderData>,
}

impl CloudUserResource {
    /// A resource that uses the provider's shared client once it is configured.
    pub fn new(data: Arc<ProviderData>) -> Self {
        Self { data }
    }
}

#[async_trait]
impl Resource for CloudUserResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate(&self, req: ValidateResourceRequest) -> ValidateResourceResponse {
        let mut diagnostics = Diagnostics::default();
        validate::config(&req.config, &mut diagnostics);
        timeouts::validate(&req.config, &mut diagnostics);
        ValidateResourceResponse {
            diagnostics,
            ..Default::default()
        }
    }

    async fn read(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        read::read(&self.data, req).await
    }

    async fn plan(&self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
        plan(req)
    }

    async fn apply(&self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse {
        if req.prior_state.is_null() {
            create::create(&self.data, req).await
        } else if req.planned_state.is_null() {
            change::delete(&self.data, req).await
        } else {
            change::update(&self.data, req).await
        }
    }

    async fn import(&self, req: ImportResourceStateRequest) -> ImportResourceStateResponse {
        let mut diagnostics = Diagnostics::default();

        // Parse the ID; the read that Terraform runs next fills in the rest.
        let key = match parse_import_id(&req.id) {
            Ok(key) => key,
            Err(detail) => {
                diagnostics.error("Invalid import ID", detail);
                return ImportResourceStateResponse {
                    diagnostics,
                    ..Default::default()
                };
            }
        };
        let mut user = CloudUser::default();
        user.set_key(key);
        match to_value(&user, &schema().value_type()) {
            Ok(state) => ImportResourceStateResponse {
                imported: vec![ImportedResource {
                    type_name: TYPE_NAME.to_string(),
                    state,
                    private: Vec::new(),
                }],
                diagnostics,
                ..Default::default()
            },
            Err(err) => {
                diagnostics.error("Failed to import user", err.to_string());
                ImportResourceStateResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        }
    }
}

/// Plans a create or an update; destroys never reach here.
///
/// Values the API fixes at creation keep their state value; `status` and `updated_at` are
/// unknown only when the apply will change the user, so a no-op plan stays empty.
fn plan(req: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
    let mut planned = req.proposed_new_state.clone();
    let mut requires_replace = Vec::new();

    // Creation: everything the API computes is known only after apply.
    if req.prior_state.is_null() {
        for attribute in COMPUTED {
            planned.set(attribute, Value::Unknown);
        }
        return PlanResourceChangeResponse {
            planned_state: planned,
            planned_private: req.prior_private,
            ..Default::default()
        };
    }

    // A new project or public cloud means a new user.
    let changed = |attribute: &str| planned.get(attribute) != req.prior_state.get(attribute);
    for attribute in FORCE_NEW {
        if changed(attribute) {
            requires_replace.push(AttributePath::root(attribute));
        }
    }

    // An in-place change moves the status and the update time.
    if IN_PLACE.iter().any(|attribute| changed(attribute)) {
        planned.set("status", Value::Unknown);
        planned.set("updated_at", Value::Unknown);
    }
    // What the provider keeps beside the state (such as a pending create) goes on to apply.
    PlanResourceChangeResponse {
        planned_state: planned,
        requires_replace,
        planned_private: req.prior_private,
        ..Default::default()
    }
}

/// The resource schema.
pub fn schema() -> Schema {
    let number = || Type::Number;
    let string = || Type::String;
    Schema::new(
        0,
        Block {
            description: "An OpenStack user of an Infomaniak Public Cloud project. The \
                          service names the user (`PCU-` and 7 letters or digits); its \
                          password is set here or by the invitee through an emailed link."
                .into(),
            attributes: vec![
                Attribute::computed("id", string()).description(
                    "`<public_cloud_id>/<project_id>/<user_id>`, the form `terraform import` \
                     takes (`.../pending-<task>` while a create the API has not confirmed is \
                     tracked by its task).",
                ),
                Attribute::required("public_cloud_id", number())
                    .description("ID of the Public Cloud product. Changing it replaces the user."),
                Attribute::required("project_id", number()).description(
                    "ID of the Public Cloud project the user belongs to. A user cannot move \
                     between projects, so changing it replaces the user.",
                ),
                Attribute::optional("description", string()).description(
                    "Free text shown in the Manager: at most 250 letters, digits, spaces, \
                     `-`, `_` or `.`. Changed in place.",
                ),
                Attribute::optional("password", string())
                    .sensitive()
                    .description(
                        "The user's OpenStack password: at least 8 characters with an \
                         upper-case letter and a digit. Changed in place. Conflicts with \
                         `invite_email` and `password_wo`. Stored in state (use \
                         `password_wo` to keep it out); after an import it is unknown, so \
                         the next apply sets it.",
                    ),
                Attribute::optional("password_wo", string())
                    .write_only()
                    .description(
                        "Write-only alternative to `password` (Terraform 1.11 or later): the \
                         password is sent to the API but never stored in plan or state. Set \
                         `password_wo_version` and change it to apply a new password. \
                         Conflicts with `password` and `invite_email`.",
                    ),
                Attribute::optional("password_wo_version", number()).description(
                    "Any number that changes when `password_wo` changes, so that the new \
                     password is applied: Terraform cannot see changes of a write-only value.",
                ),
                Attribute::optional("invite_email", string())
                    .sensitive()
                    .description(
                        "Create the user by invitation: a link to set the password is \
                         emailed to this address. Changing it sends a new link to the new \
                         address, in place. Conflicts with `password` and `password_wo`.",
                    ),
                Attribute::computed("user_id", number())
                    .description("Numeric ID of the user in the API."),
                Attribute::computed("username", string()).description(
                    "The OpenStack user name generated by the service, `PCU-` and 7 \
                     letters or digits.",
                ),
                Attribute::computed("status", string()).description(
                    "Status reported by the API: `ok` once ready; `creating`, `updating`, \
                     `deleting`, `disabling`, `disabled` or `error` otherwise.",
                ),
                Attribute::computed("created_at", string())
                    .description("When the user was created, RFC 3339."),
                Attribute::computed("updated_at", string())
                    .description("When the user was last changed, RFC 3339."),
            ],
            blocks: vec![timeouts::block(DEFAULT_TIMEOUTS)],
            ..Block::default()
        },
    )
}
