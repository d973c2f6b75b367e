//! The emulator's clock: milliseconds since start on tokio's clock, so paused-time tests see
//! operations complete instantly, and Unix seconds derived from it for the API's timestamps.

use std::time::{SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// A deadline that never comes (an operation stuck forever).
pub const NEVER: i64 = i64::MAX;

/// Maps tokio's monotonic clock to emulator milliseconds and Unix seconds.
#[derive(Debug, Clone)]
pub struct Clock {
    epoch: Instant,
    epoch_unix_ms: i64,
}

impl Clock {
    /// Starts a clock at the current instant.
    pub fn start() -> Clock {
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Clock {
            epoch: Instant::now(),
            epoch_unix_ms: unix_ms,
        }
    }

    /// Milliseconds elapsed since the clock started.
    pub fn now_ms(&self) -> i64 {
        Instant::now().duration_since(self.epoch).as_millis() as i64
    }

    /// Unix seconds at a given emulator millisecond.
    pub fn unix_at(&self, ms: i64) -> i64 {
        (self.epoch_unix_ms + ms).div_euclid(1000)
    }

    /// Unix seconds now.
    pub fn unix_now(&self) -> i64 {
        self.unix_at(self.now_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn unix_time_follows_the_paused_clock() {
        let clock = Clock::start();
        let before = clock.unix_now();
        tokio::time::advance(Duration::from_secs(90)).await;
        assert_eq!(clock.now_ms(), 90_000);
        let after = clock.unix_now();
        assert!((89..=91).contains(&(after - before)), "{before} -> {after}");
    }
}
