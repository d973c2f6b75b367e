//! The waiter: polls something until it reaches a success or failure state, or a deadline.
//!
//! Each poll classifies what it saw as pending, ready or failed. A poll whose request failed
//! in a way that may pass (429, 5xx, no answer; see [`Error::is_retryable`]) counts as
//! pending too: it says nothing about the awaited thing, and giving up on it would report a
//! healthy object as failed. Between polls the waiter
//! sleeps a jittered, exponentially growing delay between `min_delay` and `max_delay`; the
//! last sleep is cut so that one final poll happens at the deadline, and only then does the
//! wait time out, with what it last saw, after how long and how many polls. Cancelling the
//! token ends the wait at once, even mid-sleep or mid-poll.
//!
//! Time is read and slept through a [`Clock`], `tokio::time` by default, so tests can run
//! minutes of waiting in no real time.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::error::Error;

/// Where a waiter reads the time and how it sleeps.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;

    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// The default clock: `tokio::time`, which follows a paused test runtime.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// How long and how often to wait for an asynchronous operation.
#[derive(Clone)]
pub struct Wait {
    /// The deadline, counted from the start of the wait.
    pub timeout: Duration,
    /// The first delay between polls.
    pub min_delay: Duration,
    /// The largest delay between polls.
    pub max_delay: Duration,
    /// Cancelling this token ends the wait with [`Error::Cancelled`].
    pub cancel: CancellationToken,
    /// The clock the wait reads and sleeps on.
    pub clock: Arc<dyn Clock>,
}

impl Wait {
    /// A wait of `timeout` with delays from 1 s to 15 s on the tokio clock.
    pub fn new(timeout: Duration, cancel: CancellationToken) -> Self {
        Wait {
            timeout,
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15),
            cancel,
            clock: Arc::new(TokioClock),
        }
    }

    /// The same wait with other bounds for the delay between polls.
    pub fn with_delays(mut self, min_delay: Duration, max_delay: Duration) -> Self {
        self.min_delay = min_delay;
        self.max_delay = max_delay.max(min_delay);
        self
    }

    /// The same wait on another clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("timeout", &self.timeout)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("cancelled", &self.cancel.is_cancelled())
            .finish_non_exhaustive()
    }
}

/// What one poll saw.
#[derive(Debug)]
pub enum PollState<T> {
    /// Not there yet; the text says what was seen, for logs and timeout errors.
    Pending(String),
    /// The success state, with its value.
    Ready(T),
    /// A failure state: the wait ends with this error.
    Failed(Error),
}

/// Polls `poll` until it is ready or failed, the deadline passes, or the wait is cancelled.
///
/// `what` names the awaited thing in logs and errors ("task 1234", "user 5 ready"). An
/// `Err` from `poll` that [is retryable](Error::is_retryable) is logged and waited through
/// like a pending state, so it can only end the wait by its deadline, as
/// [`Error::WaitTimedOut`] naming it as the last thing seen. Any other `Err` ends the wait
/// at once. A poll still in flight at the deadline (a request retrying a 429, say) is let
/// finish.
pub async fn poll_until<T, F, Fut>(wait: &Wait, what: &str, mut poll: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<PollState<T>, Error>>,
{
    let clock = &wait.clock;
    let start = clock.now();
    let deadline = start + wait.timeout;
    let mut polls: u32 = 0;
    let mut last_seen = String::from("nothing yet");
    let cancelled = |last_seen: String| Error::Cancelled {
        what: what.to_owned(),
        last_seen,
    };

    loop {
        // Poll, unless the caller gave up meanwhile.
        polls += 1;
        let state = tokio::select! {
            biased;
            _ = wait.cancel.cancelled() => return Err(cancelled(last_seen)),
            state = poll() => state,
        };
        match state {
            Ok(PollState::Ready(value)) => return Ok(value),
            Ok(PollState::Failed(err)) => return Err(err),
            Ok(PollState::Pending(seen)) => last_seen = seen,
            Err(err) if err.is_retryable() => {
                tracing::warn!(
                    what,
                    polls,
                    error_kind = err.kind(),
                    status = err.status(),
                    error = %err,
                    "poll failed; waiting and polling again"
                );
                last_seen = err.passing_trouble();
            }
            Err(err) => return Err(err),
        }

        // Stop once the poll at (or past) the deadline has been made.
        let now = clock.now();
        let elapsed = now.saturating_duration_since(start);
        if now >= deadline {
            return Err(Error::WaitTimedOut {
                what: what.to_owned(),
                last_seen,
                elapsed,
                polls,
            });
        }

        // Sleep, cut short so the last poll lands on the deadline.
        let unit: f64 = rand::rng().random();
        let delay =
            backoff_delay(polls - 1, wait.min_delay, wait.max_delay, unit).min(deadline - now);
        tracing::debug!(
            what,
            polls,
            last_seen = %last_seen,
            elapsed_ms = elapsed.as_millis() as u64,
            delay_ms = delay.as_millis() as u64,
            "still waiting"
        );
        tokio::select! {
            biased;
            _ = wait.cancel.cancelled() => return Err(cancelled(last_seen)),
            _ = clock.sleep(delay) => {}
        }
    }
}

/// The delay after the `attempt`-th poll (from 0): jittered between `min` and
/// `min * 2^attempt`, capped at `max`; `unit` is the jitter draw in `[0, 1]`.
pub fn backoff_delay(attempt: u32, min: Duration, max: Duration, unit: f64) -> Duration {
    let max = max.max(min);
    let ceiling = min.saturating_mul(1u32 << attempt.min(20)).min(max);
    let unit = unit.clamp(0.0, 1.0);
    min + (ceiling - min).mul_f64(unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A clock whose sleeps complete at once, moving its own time forward.
    struct ManualClock {
        start: Instant,
        offset: Mutex<Duration>,
    }

    impl Clock for ManualClock {
        fn now(&self) -> Instant {
            self.start + *self.offset.lock().unwrap()
        }

        fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
            *self.offset.lock().unwrap() += duration;
            Box::pin(std::future::ready(()))
        }
    }

    fn manual_wait(timeout: Duration) -> (Wait, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock {
            start: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        });
        let wait = Wait::new(timeout, CancellationToken::new()).with_clock(clock.clone());
        (wait, clock)
    }

    #[test]
    fn backoff_stays_within_bounds_and_grows() {
        let (min, max) = (Duration::from_secs(1), Duration::from_secs(15));
        for attempt in 0..40 {
            for unit in [0.0, 0.25, 0.5, 0.99, 1.0] {
                let d = backoff_delay(attempt, min, max, unit);
                assert!(d >= min && d <= max, "attempt {attempt} unit {unit}: {d:?}");
            }
        }
        assert_eq!(backoff_delay(0, min, max, 1.0), min);
        assert_eq!(backoff_delay(2, min, max, 1.0), Duration::from_secs(4));
        assert_eq!(backoff_delay(10, min, max, 1.0), max);
        assert_eq!(backoff_delay(3, min, max, 0.0), min);
    }

    #[tokio::test]
    async fn times_out_with_one_last_poll_at_the_deadline() {
        let (wait, clock) = manual_wait(Duration::from_secs(300));
        let mut poll_times = Vec::new();
        let err = poll_until::<(), _, _>(&wait, "user 9 ready", || {
            poll_times.push(clock.now() - clock.start);
            async { Ok(PollState::Pending("status creating".into())) }
        })
        .await
        .unwrap_err();

        assert_eq!(*poll_times.last().unwrap(), Duration::from_secs(300));
        assert!(
            poll_times[..poll_times.len() - 1]
                .iter()
                .all(|t| *t < Duration::from_secs(300))
        );
        for pair in poll_times.windows(2) {
            assert!(
                pair[1] - pair[0] <= Duration::from_secs(15),
                "{poll_times:?}"
            );
        }
        match err {
            Error::WaitTimedOut {
                what,
                last_seen,
                elapsed,
                polls,
            } => {
                assert_eq!(what, "user 9 ready");
                assert_eq!(last_seen, "status creating");
                assert_eq!(elapsed, Duration::from_secs(300));
                assert_eq!(polls as usize, poll_times.len());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test]
    async fn ready_and_failed_end_the_wait() {
        let (wait, _clock) = manual_wait(Duration::from_secs(60));
        let mut n = 0;
        let value = poll_until(&wait, "task", || {
            n += 1;
            let state = if n < 3 {
                PollState::Pending(format!("poll {n}"))
            } else {
                PollState::Ready(n)
            };
            async move { Ok(state) }
        })
        .await
        .unwrap();
        assert_eq!(value, 3);

        let err = poll_until::<(), _, _>(&wait, "user 1 ready", || async {
            Ok(PollState::Failed(Error::UserFailed {
                user: 1,
                status: "error".into(),
            }))
        })
        .await
        .unwrap_err();
        assert!(matches!(err, Error::UserFailed { user: 1, .. }));
    }

    fn server_error() -> Error {
        Error::Server {
            method: "GET".into(),
            path: "/1/async/tasks/abc".into(),
            status: 503,
            code: "unexpected_error".into(),
            description: String::new(),
        }
    }

    #[tokio::test]
    async fn retryable_poll_errors_count_as_pending() {
        let (wait, _clock) = manual_wait(Duration::from_secs(600));
        let mut n = 0;
        let value = poll_until(&wait, "task abc", || {
            n += 1;
            let result = if n < 5 {
                Err(server_error())
            } else {
                Ok(PollState::Ready(n))
            };
            async move { result }
        })
        .await
        .unwrap();
        assert_eq!(value, 5);
    }

    #[tokio::test]
    async fn retryable_poll_errors_until_the_deadline_time_out_saying_so() {
        let (wait, clock) = manual_wait(Duration::from_secs(300));
        let err = poll_until::<(), _, _>(&wait, "task abc", || async { Err(server_error()) })
            .await
            .unwrap_err();
        match &err {
            Error::WaitTimedOut {
                last_seen, elapsed, ..
            } => {
                assert_eq!(last_seen, "server error (HTTP 503, unexpected_error)");
                assert_eq!(*elapsed, Duration::from_secs(300));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(clock.now() - clock.start, Duration::from_secs(300));
    }

    #[tokio::test]
    async fn other_poll_errors_end_the_wait_at_once() {
        let (wait, clock) = manual_wait(Duration::from_secs(300));
        let mut polls = 0;
        let err = poll_until::<(), _, _>(&wait, "user 1 ready", || {
            polls += 1;
            async {
                Err(Error::Unauthorized {
                    method: "GET".into(),
                    path: "/x".into(),
                    status: 401,
                    code: "not_authorized".into(),
                    description: String::new(),
                })
            }
        })
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
        assert_eq!(polls, 1);
        assert_eq!(clock.now(), clock.start);
    }

    #[tokio::test(start_paused = true)]
    async fn cancel_mid_sleep_returns_promptly() {
        let cancel = CancellationToken::new();
        let wait = Wait::new(Duration::from_secs(3600), cancel.clone())
            .with_delays(Duration::from_secs(600), Duration::from_secs(600));
        let start = Instant::now();
        let canceller = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            cancel.cancel();
        });
        let err = poll_until::<(), _, _>(&wait, "task abc", || async {
            Ok(PollState::Pending("running".into()))
        })
        .await
        .unwrap_err();
        canceller.await.unwrap();
        assert!(
            matches!(&err, Error::Cancelled { last_seen, .. } if last_seen == "running"),
            "{err:?}"
        );
        assert!(Instant::now() - start < Duration::from_secs(6));
    }
}
