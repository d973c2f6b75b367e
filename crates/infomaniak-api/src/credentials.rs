//! OpenStack credentials files of a user: the openrc script and other authentication files
//! such as `clouds.yaml`, plus a reader for the variables an openrc exports.
//!
//! The service may answer these as plain text, as a JSON envelope holding the text, or (live)
//! through a delayed task whose result is the text; all three give the same `String`. The
//! text may hold a password, so it is never logged.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use tokio_util::sync::CancellationToken;

use crate::client::Client;
use crate::envelope::Call;
use crate::error::Error;
use crate::models::Operation;
use crate::wait::Wait;

/// How long a credentials download may wait for its task.
const FILE_TASK_TIMEOUT: Duration = Duration::from_secs(300);

impl Client {
    /// Downloads the openrc script of a user for region `pub1` or `pub2`.
    pub async fn openrc(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        region: &str,
    ) -> Result<String, Error> {
        let path = format!("/1/public_clouds/{cloud}/projects/{project}/users/{user}/openrc");
        self.fetch_text(&path, region).await
    }

    /// Downloads an authentication file of a user, such as `kind = "clouds.yaml"`.
    pub async fn authentication_file(
        &self,
        cloud: u64,
        project: u64,
        user: u64,
        kind: &str,
        region: &str,
    ) -> Result<String, Error> {
        let base = format!("/1/public_clouds/{cloud}/projects/{project}/users/{user}");
        // `kind` becomes a path segment: keep it to file-name characters.
        if kind.is_empty()
            || !kind
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(Call::new("GET", format!("{base}/authentication/{{type}}"))
                .decode("the authentication file type must be a plain file name"));
        }
        self.fetch_text(&format!("{base}/authentication/{kind}"), region)
            .await
    }

    async fn fetch_text(&self, path: &str, region: &str) -> Result<String, Error> {
        let query = [("region", region.to_owned())];
        let answer = self.execute(Method::GET, path, &query, None).await?;
        if !answer.content_type.contains("json") {
            return String::from_utf8(answer.body)
                .map_err(|_| answer.call.decode("the file is not UTF-8 text"));
        }

        let operation: Operation<String> = answer.envelope()?.into_operation(&answer.call)?;
        let wait = Wait::new(FILE_TASK_TIMEOUT, CancellationToken::new());
        self.wait_operation(operation, &wait).await
    }
}

/// The variables an openrc script exports (`export OS_USERNAME="PCU-..."`), unquoted.
pub fn parse_openrc(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("export "))
        .filter_map(|assignment| assignment.split_once('='))
        .map(|(name, value)| {
            let value = value.trim();
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            (name.trim().to_owned(), unquoted.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openrc_variables_are_read_unquoted() {
        let text = "#!/usr/bin/env bash\n\
            export OS_AUTH_URL=https://api.pub1.infomaniak.cloud/identity\n\
            export OS_USERNAME=\"PCU-ABCD123\"\n\
            export OS_PROJECT_NAME='PCP-XYZ'\n\
            echo \"Please enter your password: \"\n\
            export OS_IDENTITY_API_VERSION=3\n";
        let vars = parse_openrc(text);
        assert_eq!(vars["OS_USERNAME"], "PCU-ABCD123");
        assert_eq!(vars["OS_PROJECT_NAME"], "PCP-XYZ");
        assert_eq!(vars["OS_IDENTITY_API_VERSION"], "3");
        assert_eq!(vars.len(), 4);
    }
}
