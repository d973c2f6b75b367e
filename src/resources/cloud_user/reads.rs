//! Batched reads: refreshing many users of one project costs a few list pages, not one
//! request per user.
//!
//! Terraform refreshes every resource at the start of a plan, up to `-parallelism` at a
//! time, with one ReadResource call each. Reads of users of the same project that arrive
//! within a short gathering window are answered together from the project's user list,
//! paged only as far as needed. A lone read, a user missing from the list, or a list that
//! would take more pages than the users it saves, falls back to reading the user itself.
//! A list is only used by reads that started before it was taken, so no read sees data
//! older than itself.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use infomaniak_api::{Client, Error, PageRequest, User};
use tokio::time::Instant;

use super::model::UserKey;

/// How long a read waits for others of the same project to join it.
const GATHER: Duration = Duration::from_millis(50);

/// Reads of users, batched per project; one per provider process.
#[derive(Default)]
pub struct UserReads {
    projects: Mutex<HashMap<(u64, u64), Arc<ProjectReads>>>,
}

#[derive(Default)]
struct ProjectReads {
    /// Users whose reads are waiting, with how many reads want each.
    wanted: Mutex<HashMap<u64, usize>>,
    /// The last list taken, behind the lock that makes readers take turns.
    listed: tokio::sync::Mutex<Option<Listing>>,
}

struct Listing {
    taken: Instant,
    users: HashMap<u64, User>,
}

impl UserReads {
    /// Reads one user, from a shared list when other reads of its project are under way.
    pub async fn get(&self, client: &Client, key: UserKey) -> Result<User, Error> {
        let project = self.project(key);
        let started = Instant::now();
        *project
            .wanted
            .lock()
            .unwrap()
            .entry(key.user_id)
            .or_default() += 1;

        // Let the other reads of this refresh arrive, then take turns.
        tokio::time::sleep(GATHER).await;
        let found = {
            let mut listed = project.listed.lock().await;
            match listed.as_ref() {
                Some(listing) if listing.taken >= started => {
                    listing.users.get(&key.user_id).cloned()
                }
                _ => {
                    let wanted: HashSet<u64> =
                        project.wanted.lock().unwrap().keys().copied().collect();
                    if wanted.len() > 1 {
                        let taken = Instant::now();
                        let users = list_wanted(client, key, &wanted).await;
                        let found = users.get(&key.user_id).cloned();
                        *listed = Some(Listing { taken, users });
                        found
                    } else {
                        None
                    }
                }
            }
        };
        release(&project, key.user_id);

        // Not served by a list: read the user itself (this also confirms a 404).
        match found {
            Some(user) => Ok(user),
            None => {
                client
                    .get_user(key.public_cloud_id, key.project_id, key.user_id)
                    .await
            }
        }
    }

    fn project(&self, key: UserKey) -> Arc<ProjectReads> {
        let mut projects = self.projects.lock().unwrap();
        projects
            .entry((key.public_cloud_id, key.project_id))
            .or_default()
            .clone()
    }
}

fn release(project: &ProjectReads, user_id: u64) {
    let mut wanted = project.wanted.lock().unwrap();
    if let Some(count) = wanted.get_mut(&user_id) {
        *count -= 1;
        if *count == 0 {
            wanted.remove(&user_id);
        }
    }
}

/// Pages through the project's users while that is cheaper than reading the rest one by one.
///
/// A failed page ends the listing; the reads it did not serve fall back to single reads.
async fn list_wanted(client: &Client, key: UserKey, wanted: &HashSet<u64>) -> HashMap<u64, User> {
    let mut users = HashMap::new();
    let mut page = PageRequest::default();
    loop {
        let result = client
            .list_users(key.public_cloud_id, key.project_id, page)
            .await;
        let Ok(listed) = result else {
            tracing::debug!(
                project_id = key.project_id,
                "user list failed; reading one by one"
            );
            break;
        };
        let pages = listed.pages;
        for user in listed.items {
            users.insert(user.public_cloud_user_id, user);
        }
        let missing = wanted.iter().filter(|id| !users.contains_key(id)).count();
        let pages_left = pages.saturating_sub(page.page) as usize;
        if missing == 0 || pages_left == 0 || pages_left > missing {
            break;
        }
        page.page += 1;
    }
    tracing::debug!(
        project_id = key.project_id,
        wanted = wanted.len(),
        listed = users.len(),
        "served reads from the project's user list"
    );
    users
}
