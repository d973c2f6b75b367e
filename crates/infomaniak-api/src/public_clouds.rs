//! Public Cloud products and the account that owns them: discovery of the ids the other
//! calls need (`account_id` → `public_cloud_id` → `public_cloud_project_id`).
//!
//! These objects carry many billing fields this client has no use for; only the ones that
//! identify and describe a product are read, each leniently.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::Client;
use crate::error::Error;

/// One Public Cloud product.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct PublicCloud {
    /// The id used in `/1/public_clouds/{public_cloud_id}/...` paths.
    pub public_cloud_id: u64,
    /// The id of the product in the account's service list.
    #[serde(default)]
    pub id: Option<u64>,
    /// The account that owns the product.
    #[serde(default)]
    pub account_id: Option<u64>,
    /// The name the customer gave the product.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// The product's description.
    #[serde(default)]
    pub description: Option<String>,
    /// How many projects the product holds.
    #[serde(default)]
    pub project_count: Option<u64>,
}

/// One account the token may act for.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Account {
    /// The account id, as `list_public_clouds` wants it.
    pub id: u64,
    /// The account's name.
    #[serde(default)]
    pub name: Option<String>,
}

/// The profile of the token's owner, reduced to what locates their current account.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// The user id of the token's owner.
    pub user_id: Option<u64>,
    /// The account selected in the owner's preferences.
    pub current_account_id: Option<u64>,
}

impl Profile {
    /// Reads the ids from a `/2/profile` answer, which nests the account in preferences.
    fn from_data(data: &Value) -> Profile {
        let number = |v: Option<&Value>| v.and_then(Value::as_u64);
        Profile {
            user_id: number(data.get("user_id")).or(number(data.get("id"))),
            current_account_id: number(data.pointer("/preferences/account/current_account_id"))
                .or(number(data.get("current_account_id"))),
        }
    }
}

impl Client {
    /// Lists every Public Cloud product of an account.
    pub async fn list_public_clouds(&self, account_id: u64) -> Result<Vec<PublicCloud>, Error> {
        let query = [("account_id", account_id.to_string())];
        self.get_all("/1/public_clouds", &query).await
    }

    /// Reads one Public Cloud product.
    pub async fn get_public_cloud(&self, cloud: u64) -> Result<PublicCloud, Error> {
        self.get_data(&format!("/1/public_clouds/{cloud}"), &[])
            .await
    }

    /// Reads the profile of the token's owner.
    pub async fn get_profile(&self) -> Result<Profile, Error> {
        let data: Value = self.get_data("/2/profile", &[]).await?;
        Ok(Profile::from_data(&data))
    }

    /// Lists the accounts the token may act for.
    pub async fn list_accounts(&self) -> Result<Vec<Account>, Error> {
        self.get_all("/1/accounts", &[]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn profile_finds_nested_or_flat_account() {
        let nested = json!({"id": 5, "preferences": {"account": {"current_account_id": 1000}}});
        assert_eq!(
            Profile::from_data(&nested),
            Profile {
                user_id: Some(5),
                current_account_id: Some(1000)
            }
        );
        let flat = json!({"user_id": 6, "current_account_id": 7});
        assert_eq!(Profile::from_data(&flat).current_account_id, Some(7));
        assert_eq!(Profile::from_data(&json!({})).user_id, None);
    }
}
