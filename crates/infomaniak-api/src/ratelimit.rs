//! The client-side rate limiter: at most N requests in any rolling minute, shared by clones.
//!
//! The API allows 60 requests per minute per token but does not say whether it counts a
//! fixed window, a sliding window or a token bucket. Only a client that never sends more
//! than N requests in *any* 60 s span is safe against all three, so the limiter keeps the
//! send times of the last N requests and lets a new one go only when the oldest has left
//! the window. (A token bucket such as `governor`'s `per_minute` quota also allows a full
//! burst on top of the steady rate, nearly twice the limit in one rolling minute.)
//!
//! It uses `tokio::time`, so tests under a paused clock run minutes of limiting instantly.
//! Waiters queue on a fair mutex and leave in arrival order.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::{Instant, sleep_until};

/// The span the API counts requests over.
const WINDOW: Duration = Duration::from_secs(60);

/// Added to the window because the server stamps a request when it arrives, not when it
/// was sent: with uneven latency two requests sent 60 s apart can arrive closer together.
const SAFETY_MARGIN: Duration = Duration::from_secs(1);

/// Shared limiter of one client; `limit == 0` turns limiting off.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: usize,
    sends: tokio::sync::Mutex<VecDeque<Instant>>,
    pause: Mutex<Pause>,
}

#[derive(Debug, Default)]
struct Pause {
    until: Option<Instant>,
    repeats: u32,
}

impl RateLimiter {
    /// A limiter letting `per_minute` requests through in any rolling minute.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            limit: per_minute as usize,
            sends: tokio::sync::Mutex::new(VecDeque::with_capacity(per_minute as usize)),
            pause: Mutex::new(Pause::default()),
        }
    }

    /// Waits until one more request may be sent, and counts it as sent.
    pub async fn acquire(&self) {
        let mut sends = self.sends.lock().await;
        loop {
            let now = Instant::now();
            if let Some(until) = self.paused_until().filter(|until| *until > now) {
                sleep_until(until).await;
                continue;
            }
            if self.limit == 0 {
                return;
            }

            let span = WINDOW + SAFETY_MARGIN;
            while sends
                .front()
                .is_some_and(|t| now.duration_since(*t) >= span)
            {
                sends.pop_front();
            }
            if sends.len() < self.limit {
                sends.push_back(now);
                return;
            }

            // Full: the next slot opens when the oldest send leaves the window.
            let opens = sends[0] + span;
            tracing::debug!(
                wait_ms = (opens - now).as_millis() as u64,
                "rate limiter full"
            );
            sleep_until(opens).await;
        }
    }

    /// Holds back every request of the client after a 429, and returns for how long.
    ///
    /// With `Retry-After` the server's word is taken. Without it the pause starts at the
    /// spacing of one request (60 s / N) and doubles on each consecutive 429 up to the whole
    /// window, so a handful of retries always spans a full minute of the server's count.
    pub fn pause_after_rate_limit(&self, retry_after: Option<Duration>) -> Duration {
        let mut pause = self.pause.lock().expect("rate limiter pause lock poisoned");
        let duration = retry_after.unwrap_or_else(|| {
            let spacing = WINDOW / self.limit.max(1) as u32;
            spacing
                .saturating_mul(1u32 << pause.repeats.min(16))
                .min(WINDOW)
        });
        pause.repeats = pause.repeats.saturating_add(1);

        let until = Instant::now() + duration;
        pause.until = Some(pause.until.map_or(until, |current| current.max(until)));
        duration
    }

    /// Notes an answer that was not a 429, so the next 429 starts a fresh back-off.
    pub fn note_not_limited(&self) {
        self.pause
            .lock()
            .expect("rate limiter pause lock poisoned")
            .repeats = 0;
    }

    fn paused_until(&self) -> Option<Instant> {
        self.pause
            .lock()
            .expect("rate limiter pause lock poisoned")
            .until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_limit_in_any_rolling_window() {
        let limiter = RateLimiter::new(5);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..12 {
            limiter.acquire().await;
            times.push(Instant::now() - start);
        }
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..].iter().filter(|u| **u - *t < WINDOW).count();
            assert!(
                in_window <= 5,
                "{in_window} sends within 60 s of send {i}: {times:?}"
            );
        }
        assert!(times[11] >= 2 * WINDOW, "{times:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn pause_without_retry_after_doubles_and_resets() {
        let limiter = RateLimiter::new(60);
        assert_eq!(limiter.pause_after_rate_limit(None), Duration::from_secs(1));
        assert_eq!(limiter.pause_after_rate_limit(None), Duration::from_secs(2));
        assert_eq!(limiter.pause_after_rate_limit(None), Duration::from_secs(4));
        for _ in 0..10 {
            assert!(limiter.pause_after_rate_limit(None) <= WINDOW);
        }
        limiter.note_not_limited();
        assert_eq!(limiter.pause_after_rate_limit(None), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn pause_holds_back_acquire() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        assert_eq!(
            limiter.pause_after_rate_limit(Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        limiter.acquire().await;
        assert!(Instant::now() - start >= Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0);
        let start = Instant::now();
        for _ in 0..1000 {
            limiter.acquire().await;
        }
        assert_eq!(Instant::now(), start);
    }
}
