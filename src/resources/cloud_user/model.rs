//! The state of an `infomaniak_cloud_user`, its import ID and the mapping from the API's user.

use infomaniak_api::User;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::timeouts::Timeouts;

/// One user as Terraform stores it; field names are the attribute names.
///
/// Deliberately not `Debug`: it holds the password and the invitation address.
#[derive(Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct CloudUser {
    pub id: Option<String>,
    pub public_cloud_id: Option<u64>,
    pub project_id: Option<u64>,
    pub description: Option<String>,
    pub password: Option<String>,
    pub password_wo: Option<String>,
    pub password_wo_version: Option<i64>,
    pub invite_email: Option<String>,
    pub user_id: Option<u64>,
    pub username: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub timeouts: Option<Timeouts>,
}

/// Where a user lives: its public cloud, project and user ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserKey {
    pub public_cloud_id: u64,
    pub project_id: u64,
    pub user_id: u64,
}

impl UserKey {
    /// The resource `id`: `<public_cloud_id>/<project_id>/<user_id>`.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}",
            self.public_cloud_id, self.project_id, self.user_id
        )
    }
}

/// How `id` marks a create whose task has not named the user yet.
const PENDING_PREFIX: &str = "pending-";

/// What an import ID must look like, for error messages.
pub const IMPORT_ID_FORM: &str = "<public_cloud_id>/<project_id>/<user_id>";

/// Parses an import ID; `/` or `,` separate the three numbers.
pub fn parse_import_id(id: &str) -> Result<UserKey, String> {
    let parts: Vec<&str> = id.trim().split(['/', ',']).map(str::trim).collect();
    let numbers: Option<Vec<u64>> = parts.iter().map(|p| p.parse::<u64>().ok()).collect();
    match numbers.as_deref() {
        Some(&[public_cloud_id, project_id, user_id]) => Ok(UserKey {
            public_cloud_id,
            project_id,
            user_id,
        }),
        _ => Err(format!(
            "The import ID \"{id}\" is not of the form {IMPORT_ID_FORM}, for example \
             \"1001/2001/3001\" (a comma may separate the numbers instead of a slash). \
             The numbers are shown in the Infomaniak Manager and by the API."
        )),
    }
}

impl CloudUser {
    /// The user's location, once all three ids are known.
    pub fn key(&self) -> Option<UserKey> {
        Some(UserKey {
            public_cloud_id: self.public_cloud_id?,
            project_id: self.project_id?,
            user_id: self.user_id?,
        })
    }

    /// Records a create the API accepted but has not finished: until a read learns the
    /// user's id from the task, `id` names the task instead.
    pub fn set_pending(&mut self, public_cloud_id: u64, project_id: u64, task: &str) {
        self.id = Some(format!(
            "{public_cloud_id}/{project_id}/{PENDING_PREFIX}{task}"
        ));
        self.user_id = None;
    }

    /// The task of a create not yet confirmed, if this state records one.
    pub fn pending_task(&self) -> Option<&str> {
        if self.user_id.is_some() {
            return None;
        }
        self.id
            .as_deref()?
            .rsplit('/')
            .next()?
            .strip_prefix(PENDING_PREFIX)
    }

    /// Records the user's id; from then on the user is tracked in state.
    pub fn set_key(&mut self, key: UserKey) {
        self.id = Some(key.id());
        self.public_cloud_id = Some(key.public_cloud_id);
        self.project_id = Some(key.project_id);
        self.user_id = Some(key.user_id);
    }

    /// Takes what the API says of the user into the state.
    ///
    /// An empty description stays null when the state had none, so an unset
    /// `description` does not show as a change from "" on every plan.
    pub fn apply_user(&mut self, user: &User) {
        self.user_id = Some(user.public_cloud_user_id);
        self.project_id = Some(user.public_cloud_project_id);
        if let Some(key) = self.key() {
            self.id = Some(key.id());
        }
        self.username = Some(user.open_stack_name.clone());
        self.status = Some(user.status.as_str().to_string());
        self.created_at = Some(rfc3339(user.created_at));
        self.updated_at = Some(rfc3339(user.updated_at));
        self.description = match (&self.description, user.description.as_str()) {
            (None, "") => None,
            _ => Some(user.description.clone()),
        };
    }
}

/// Formats Unix seconds as RFC 3339; a timestamp out of range is written as given.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_id_accepts_slashes_and_commas() {
        let key = UserKey {
            public_cloud_id: 1001,
            project_id: 2001,
            user_id: 3001,
        };
        assert_eq!(parse_import_id("1001/2001/3001"), Ok(key));
        assert_eq!(parse_import_id("1001,2001,3001"), Ok(key));
        assert_eq!(parse_import_id(" 1001 / 2001 / 3001 "), Ok(key));
        assert_eq!(key.id(), "1001/2001/3001");
    }

    #[test]
    fn malformed_import_id_shows_the_expected_form() {
        for bad in [
            "",
            "3001",
            "1001/2001",
            "1001/2001/PCU-ABC1234",
            "1/2/3/4",
            "a/b/c",
        ] {
            let err = parse_import_id(bad).unwrap_err();
            assert!(err.contains(IMPORT_ID_FORM), "{err}");
        }
    }

    #[test]
    fn a_pending_create_is_recorded_in_the_id_until_the_user_is_known() {
        let mut user = CloudUser::default();
        user.set_pending(1001, 2001, "0f3c-77");
        assert_eq!(user.id.as_deref(), Some("1001/2001/pending-0f3c-77"));
        assert_eq!(user.pending_task(), Some("0f3c-77"));
        assert_eq!(user.key(), None);
        user.public_cloud_id = Some(1001);
        user.project_id = Some(2001);
        user.set_key(UserKey {
            public_cloud_id: 1001,
            project_id: 2001,
            user_id: 3002,
        });
        assert_eq!(user.pending_task(), None);
    }

    #[test]
    fn timestamps_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
