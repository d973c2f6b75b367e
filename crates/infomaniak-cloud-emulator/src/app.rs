//! State shared by every request: the configuration, the clock, and behind one lock the
//! store, the fault queue, the request log and the rate-limit window.

use std::sync::{Mutex, MutexGuard};

use serde::Serialize;

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::FaultQueue;
use crate::persist::{self, PersistError};
use crate::ratelimit::RateLimiter;
use crate::state::Store;

/// One API request as the control API reports it.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// HTTP status of the answer.
    pub status: u16,
}

/// Everything behind the lock.
pub struct Inner {
    /// The service's data.
    pub store: Store,
    /// Faults waiting to fire.
    pub faults: FaultQueue,
    /// API requests in arrival order.
    pub log: Vec<LoggedRequest>,
    /// The rate-limit window.
    pub limiter: RateLimiter,
}

/// State shared by the handlers.
pub struct Shared {
    /// The configuration the emulator started with.
    pub config: Config,
    /// The emulator clock.
    pub clock: Clock,
    inner: Mutex<Inner>,
}

impl Shared {
    /// Builds the state, loading the state file when one is configured and present.
    ///
    /// The state is written back at once, so a file that cannot be written (a missing
    /// directory, no permission) stops the start instead of losing every later change.
    pub fn new(config: Config) -> Result<Shared, PersistError> {
        let clock = Clock::start();
        let store = match &config.state_file {
            Some(path) => match persist::load(path)? {
                Some(mut store) => {
                    // Deadlines were saved relative to the old clock; the new one starts at 0.
                    store.rebase(-store.saved_at_ms);
                    store.saved_at_ms = 0;
                    tracing::info!(users = store.users.len(), "state file loaded");
                    store
                }
                None => Store::seed(&config, &clock),
            },
            None => Store::seed(&config, &clock),
        };
        if let Some(path) = &config.state_file {
            persist::save(path, &store)?;
        }
        let inner = Inner {
            store,
            faults: FaultQueue::default(),
            log: Vec::new(),
            limiter: RateLimiter::new(config.rate_limit_per_minute),
        };
        Ok(Shared {
            config,
            clock,
            inner: Mutex::new(inner),
        })
    }

    /// Locks the state after applying every change that is due.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.store.settle(self.clock.now_ms(), &self.clock);
        inner
    }

    /// Latency of asynchronous operations in emulator milliseconds.
    pub fn latency_ms(&self) -> i64 {
        self.config.latency.as_millis() as i64
    }

    /// Writes the store to the state file, when one is configured.
    pub fn save(&self, inner: &mut Inner) {
        let Some(path) = &self.config.state_file else {
            return;
        };
        inner.store.saved_at_ms = self.clock.now_ms();
        if let Err(error) = persist::save(path, &inner.store) {
            tracing::error!(%error, "could not write the state file");
        }
    }

    /// Puts everything back to the seed: data, faults, request log and rate window.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.store = Store::seed(&self.config, &self.clock);
        inner.faults.clear();
        inner.log.clear();
        inner.limiter.clear();
        self.save(&mut inner);
    }
}
