//! How many IAM calls one account has in flight: a bound that adapts to throttling.
//!
//! IAM's rate limits are per account, so each account has its own [`Limiter`]: at most
//! `limit` write calls at once, starting at the configured concurrency (10, Terraform's default
//! parallelism). Every attempt's answer passes through [`ThrottleWatch`], an SDK interceptor, so
//! throttling is seen per attempt, not only when the SDK's retries are spent: a throttled
//! answer halves the limit (at most once per second, so one burst counts once), and each
//! `limit` answers without throttling raise it by one, up to the configured maximum.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_iam::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_iam::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_iam::error::BoxError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The adaptive bound of one account.
#[derive(Debug)]
pub struct Limiter {
    permits: Arc<Semaphore>,
    limit: AtomicUsize,
    max: usize,
    successes: AtomicUsize,
    last_cut: Mutex<Option<Instant>>,
    throttles: AtomicUsize,
}

impl Limiter {
    /// A limiter allowing `max` calls at once (at least one).
    pub fn new(max: usize) -> Arc<Limiter> {
        let max = max.max(1);
        Arc::new(Limiter {
            permits: Arc::new(Semaphore::new(max)),
            limit: AtomicUsize::new(max),
            max,
            successes: AtomicUsize::new(0),
            last_cut: Mutex::new(None),
            throttles: AtomicUsize::new(0),
        })
    }

    /// Waits for a slot; the call holds it until the permit is dropped.
    pub async fn acquire(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.permits).acquire_owned().await.ok()
    }

    /// The current limit.
    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// Throttled answers seen.
    pub fn throttles(&self) -> usize {
        self.throttles.load(Ordering::Relaxed)
    }

    /// A throttled answer: halve the limit (once per second).
    pub fn throttled(&self) {
        self.throttles.fetch_add(1, Ordering::Relaxed);
        let Ok(mut last) = self.last_cut.lock() else {
            return;
        };
        if last.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
            return;
        }
        let cur = self.limit.load(Ordering::Relaxed);
        if cur <= 1 {
            return;
        }
        let new = cur / 2;
        self.limit.store(new, Ordering::Relaxed);
        self.successes.store(0, Ordering::Relaxed);
        *last = Some(Instant::now());
        // Take the difference out of circulation as slots come free.
        let permits = Arc::clone(&self.permits);
        let take = u32::try_from(cur - new).unwrap_or(u32::MAX);
        tokio::spawn(async move {
            if let Ok(p) = permits.acquire_many_owned(take).await {
                p.forget();
            }
        });
    }

    /// An answer without throttling: one more slot after `limit` of them.
    pub fn answered(&self) {
        let cur = self.limit.load(Ordering::Relaxed);
        if cur >= self.max {
            return;
        }
        if self.successes.fetch_add(1, Ordering::Relaxed) + 1 >= cur {
            self.successes.store(0, Ordering::Relaxed);
            self.limit.store(cur + 1, Ordering::Relaxed);
            self.permits.add_permits(1);
        }
    }
}

/// The interceptor that tells the account's [`Limiter`] about every answer.
#[derive(Debug)]
pub struct ThrottleWatch(pub Arc<Limiter>);

impl Intercept for ThrottleWatch {
    fn name(&self) -> &'static str {
        "ThrottleWatch"
    }

    fn read_after_deserialization(
        &self,
        ctx: &AfterDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let r = ctx.response();
        let status = r.status().as_u16();
        let throttled = status == 429
            || (status == 400
                && r.body().bytes().is_some_and(|b| {
                    // IAM's Query protocol error: `<Code>Throttling</Code>`.
                    b.windows(19).any(|w| w == b"<Code>Throttling</C")
                }));
        if throttled {
            self.0.throttled();
        } else if status < 500 {
            self.0.answered();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn halves_on_throttling_and_grows_back_slowly() {
        let l = Limiter::new(10);
        assert_eq!(l.limit(), 10);
        l.throttled();
        l.throttled(); // the same burst
        assert_eq!(l.limit(), 5);
        for _ in 0..5 {
            l.answered();
        }
        assert_eq!(l.limit(), 6);
        for _ in 0..100 {
            l.answered();
        }
        assert_eq!(l.limit(), 10, "never above the maximum");
    }
}
