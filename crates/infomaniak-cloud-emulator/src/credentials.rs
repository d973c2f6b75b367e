//! The OpenStack credential files the API hands out for a user: an openrc shell script and
//! a clouds.yaml. Neither carries the password: the openrc prompts for it, as the
//! vendor's file does, and the clouds.yaml leaves it for the reader to add.

/// A region of the API and its OpenStack counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// `pub1`, OpenStack region `dc3-a`.
    Pub1,
    /// `pub2`, OpenStack region `dc4-a`.
    Pub2,
}

impl Region {
    /// Parses the API's `region` parameter.
    pub fn parse(text: &str) -> Option<Region> {
        match text {
            "pub1" => Some(Region::Pub1),
            "pub2" => Some(Region::Pub2),
            _ => None,
        }
    }

    fn openstack_region(self) -> &'static str {
        match self {
            Region::Pub1 => "dc3-a",
            Region::Pub2 => "dc4-a",
        }
    }

    fn auth_url(self) -> &'static str {
        match self {
            Region::Pub1 => "https://api.pub1.infomaniak.cloud/identity/v3",
            Region::Pub2 => "https://api.pub2.infomaniak.cloud/identity/v3",
        }
    }
}

/// Who the credentials are for.
#[derive(Debug, Clone)]
pub struct Identity<'a> {
    /// The user's `PCU-` name.
    pub username: &'a str,
    /// The project's `PCP-` name.
    pub project_name: &'a str,
    /// The project's OpenStack id.
    pub project_id: &'a str,
}

/// A stable 32-hex-digit OpenStack project id derived from the API's project id.
pub fn openstack_project_id(project_id: u64) -> String {
    let mixed = u128::from(project_id).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    format!("{mixed:032x}")
}

/// Fills a credential file's template with the placeholders both files use: `user`,
/// `project`, `project_id`, `auth_url` and `region`.
macro_rules! fill {
    ($template:literal, $who:expr, $region:expr) => {
        format!(
            $template,
            user = $who.username,
            project = $who.project_name,
            project_id = $who.project_id,
            auth_url = $region.auth_url(),
            region = $region.openstack_region(),
        )
    };
}

/// The openrc script.
pub fn openrc(who: &Identity<'_>, region: Region) -> String {
    fill!(
        r#"#!/usr/bin/env bash
# OpenStack credentials for {user} in project {project}.
# Load with: source ./openrc
export OS_AUTH_URL={auth_url}
export OS_PROJECT_ID={project_id}
export OS_PROJECT_NAME="{project}"
export OS_USER_DOMAIN_NAME="Default"
export OS_PROJECT_DOMAIN_ID="default"
unset OS_TENANT_ID
unset OS_TENANT_NAME
export OS_USERNAME="{user}"
echo "Password for $OS_USERNAME in $OS_PROJECT_NAME: "
read -sr OS_PASSWORD_INPUT
export OS_PASSWORD=$OS_PASSWORD_INPUT
export OS_REGION_NAME="{region}"
if [ -z "$OS_REGION_NAME" ]; then unset OS_REGION_NAME; fi
export OS_INTERFACE=public
export OS_IDENTITY_API_VERSION=3
"#,
        who,
        region
    )
}

/// The clouds.yaml file.
pub fn clouds_yaml(who: &Identity<'_>, region: Region) -> String {
    fill!(
        r#"clouds:
  {project}:
    auth:
      auth_url: {auth_url}
      username: "{user}"
      project_id: {project_id}
      project_name: "{project}"
      user_domain_name: "Default"
      project_domain_id: "default"
    region_name: "{region}"
    interface: "public"
    identity_api_version: 3
"#,
        who,
        region
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> Identity<'static> {
        Identity {
            username: "PCU-ABC1234",
            project_name: "PCP-XYZ9876",
            project_id: "0123456789abcdef0123456789abcdef",
        }
    }

    #[test]
    fn openrc_prompts_for_the_password_and_names_the_region() {
        let text = openrc(&who(), Region::Pub2);
        assert!(text.contains("export OS_USERNAME=\"PCU-ABC1234\""));
        assert!(text.contains("read -sr OS_PASSWORD_INPUT"));
        assert!(text.contains("export OS_REGION_NAME=\"dc4-a\""));
        assert!(text.contains("OS_IDENTITY_API_VERSION=3"));
        for var in [
            "OS_AUTH_URL",
            "OS_PROJECT_ID",
            "OS_PROJECT_NAME",
            "OS_INTERFACE",
        ] {
            assert!(text.contains(&format!("export {var}=")), "{var}");
        }
    }

    #[test]
    fn clouds_yaml_names_the_project_and_region() {
        let text = clouds_yaml(&who(), Region::Pub1);
        assert!(text.contains("project_name: \"PCP-XYZ9876\""));
        assert!(text.contains("region_name: \"dc3-a\""));
        assert!(!text.contains("password"));
    }

    #[test]
    fn project_ids_are_stable_and_distinct() {
        assert_eq!(openstack_project_id(2001), openstack_project_id(2001));
        assert_ne!(openstack_project_id(2001), openstack_project_id(2002));
        assert_eq!(openstack_project_id(1).len(), 32);
    }
}
