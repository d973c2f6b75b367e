//! The strictest reading of "60 requests per minute": a sliding window that refuses a
//! request when the limit was already reached in the last 60 seconds. Only accepted requests
//! count, so a client that waits for room is never punished for its refused attempts.

use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// Length of the window.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Sliding-window limiter for the one token the emulator accepts.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    per_minute: u32,
    accepted: VecDeque<Instant>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per window; 0 disables it.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            accepted: VecDeque::new(),
        }
    }

    /// Records a request at `now` if there is room; false when it must be refused.
    pub fn admit(&mut self, now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        while self
            .accepted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.accepted.pop_front();
        }
        if self.accepted.len() >= self.per_minute as usize {
            return false;
        }
        self.accepted.push_back(now);
        true
    }

    /// Forgets every request.
    pub fn clear(&mut self) {
        self.accepted.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_until_the_oldest_leaves_the_window() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(3);
        assert!(limiter.admit(start));
        assert!(limiter.admit(start + Duration::from_secs(10)));
        assert!(limiter.admit(start + Duration::from_secs(20)));
        assert!(!limiter.admit(start + Duration::from_secs(59)));
        assert!(limiter.admit(start + Duration::from_secs(60)));
        assert!(!limiter.admit(start + Duration::from_secs(61)));
        assert!(limiter.admit(start + Duration::from_secs(70)));
    }

    #[test]
    fn zero_disables_the_limit() {
        let now = Instant::now();
        let mut limiter = RateLimiter::new(0);
        assert!((0..1000).all(|_| limiter.admit(now)));
    }
}
