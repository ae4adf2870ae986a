//! What a request may cost: field prices (complexity), a budget per HTTP
//! request shared by its batched operations, a per-client rate limit on
//! expensive operations, and the deadline blocking work checks.
//!
//! One point is about 1.5 µs of one core, measured on the BBC store with the
//! CLEF fact-checks (release build, response cache off, medians of 40):
//! `{ __typename }` 0.23 ms (the HTTP floor), the nested claim query (about
//! 190 points) 0.53 ms, `claims(first: 100)` with speakers and article
//! (about 1,100 points) 1.56 ms, a tweet's `crossCheck` 5.3 ms, a
//! 9,000-character one 42 ms. Everything is priced before any resolver runs.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The code of an operation refused by the per-client rate limit.
pub const RATE_LIMITED: &str = "RATE_LIMITED";

/// A list without `first`: priced at this many items.
pub const UNBOUNDED_LIST: usize = 20;
/// `crossCheck`'s fixed price: cleaning, the query's embedding, candidate
/// search and reranking of a tweet-length text (about 5 ms).
pub const CROSS_CHECK_BASE: usize = 2_500;
/// And per character of its text (the embedding and the term lookups grow
/// with it: 9,000 characters take about 40 ms more).
pub const CROSS_CHECK_PER_CHAR: usize = 3;
/// Operations at least this costly count against the client's rate.
pub const EXPENSIVE: usize = 2_000;

/// A page of `first` items (default 20), each costing `child`.
pub fn page(first: Option<i32>, child: usize) -> usize {
    let n = first.map_or(super::pagination::DEFAULT_PAGE, |f| {
        f.clamp(0, super::pagination::MAX_PAGE as i32) as usize
    });
    1 + n.saturating_mul(child)
}

/// A list whose length the query does not bound, priced at `items`.
pub fn list(items: usize, child: usize) -> usize {
    1 + items.saturating_mul(child)
}

/// A `crossCheck` of `text`, returning up to `first` matches.
pub fn cross_check(text: &str, first: Option<i32>, child: usize) -> usize {
    CROSS_CHECK_BASE
        .saturating_add(text.chars().count().saturating_mul(CROSS_CHECK_PER_CHAR))
        .saturating_add(page(first, child))
}

type KeyedLimiter = governor::DefaultKeyedRateLimiter<IpAddr>;

/// Points per second each client may spend on expensive operations, with a
/// burst; clients holding the API token are not limited.
pub struct RateLimit {
    limiter: KeyedLimiter,
    checks: AtomicUsize,
}

impl RateLimit {
    /// `None` when `per_second` is 0 (no limit).
    pub fn new(per_second: u32, burst: u32) -> Option<Arc<RateLimit>> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
        Some(Arc::new(RateLimit {
            limiter: governor::RateLimiter::keyed(
                governor::Quota::per_second(rate).allow_burst(burst),
            ),
            checks: AtomicUsize::new(0),
        }))
    }

    /// Take `cost` points from `client`'s allowance, or say how long to wait.
    fn take(&self, client: IpAddr, cost: usize) -> Result<(), Duration> {
        use governor::clock::{Clock, DefaultClock};
        // Forget idle clients now and then, so the table stays small.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4_096 == 4_095 {
            self.limiter.retain_recent();
        }
        let n = NonZeroU32::new(u32::try_from(cost).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
        match self.limiter.check_key_n(&client, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(DefaultClock::default().now())),
            // More than the burst: never allowed; the per-request budget
            // keeps operations below it, so this is a misconfiguration.
            Err(_) => Err(Duration::from_secs(60)),
        }
    }
}

/// What one HTTP request may still spend, shared by its operations.
pub struct RequestLimits {
    remaining: AtomicUsize,
    budget: usize,
    client: Option<IpAddr>,
    rate: Option<Arc<RateLimit>>,
    /// Set when the rate limit refused an operation: how long to wait.
    refused: Mutex<Option<Duration>>,
    /// When the request's time is up; blocking work stops there.
    pub deadline: Instant,
}

impl RequestLimits {
    pub fn new(
        budget: usize,
        deadline: Instant,
        client: Option<IpAddr>,
        rate: Option<Arc<RateLimit>>,
    ) -> Arc<RequestLimits> {
        Arc::new(RequestLimits {
            remaining: AtomicUsize::new(budget),
            budget,
            client,
            rate,
            refused: Mutex::new(None),
            deadline,
        })
    }

    /// How long the client should wait, if the rate limit refused something.
    pub fn retry_after(&self) -> Option<Duration> {
        *self.refused.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Charge an operation of `cost` points, before it runs.
    fn charge(&self, cost: usize) -> Result<(), ServerError> {
        let taken = self
            .remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |r| r.checked_sub(cost));
        if taken.is_err() {
            return Err(limit_error(
                format!(
                    "this request's operations cost more than its budget of {} points \
                     (this one {cost}); split it into several requests",
                    self.budget
                ),
                "budget",
                None,
            ));
        }
        if cost < EXPENSIVE {
            return Ok(());
        }
        let (Some(rate), Some(client)) = (&self.rate, self.client) else {
            return Ok(());
        };
        rate.take(client, cost).map_err(|wait| {
            let secs = wait.as_secs_f64().ceil().max(1.0);
            *self.refused.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(Duration::from_secs_f64(secs));
            limit_error(
                format!(
                    "too many expensive operations from this client: retry in {secs} s, \
                     or send the API token"
                ),
                "rate",
                Some(secs),
            )
        })
    }
}

fn limit_error(message: String, limit: &'static str, retry_after: Option<f64>) -> ServerError {
    let mut e = ServerError::new(message, None);
    let x = e.extensions.get_or_insert_with(Default::default);
    match retry_after {
        Some(secs) => {
            x.set("code", RATE_LIMITED);
            x.set("retryAfter", secs);
        }
        None => x.set("code", super::error::LIMIT_EXCEEDED),
    }
    x.set("limit", limit);
    e
}

/// Charges every validated operation to its request's [`RequestLimits`]
/// (when there is one: subscriptions have only the per-operation limit).
pub struct Budget;

impl ExtensionFactory for Budget {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Budget)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Budget {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Some(limits) = ctx.data_opt::<Arc<RequestLimits>>() {
            limits.charge(result.complexity).map_err(|e| vec![e])?;
        }
        Ok(result)
    }
}

/// The deadline of the request a resolver runs in, if it has one.
pub fn deadline(ctx: &async_graphql::Context<'_>) -> Option<Instant> {
    ctx.data_opt::<Arc<RequestLimits>>().map(|l| l.deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_costs_its_size_times_its_items_and_a_missing_size_the_default() {
        assert_eq!(page(Some(10), 5), 51);
        assert_eq!(page(None, 5), 101);
        assert_eq!(page(Some(1_000_000), 1), 101, "capped at the largest page");
        assert_eq!(page(Some(-3), 7), 1);
    }

    #[test]
    fn a_longer_cross_check_costs_more() {
        let short = cross_check("unemployment fell", Some(5), 4);
        let long = cross_check(&"unemployment fell ".repeat(100), Some(5), 4);
        assert!(short >= EXPENSIVE, "a cross-check is expensive");
        assert!(long > short + 4_000);
    }

    #[test]
    fn a_request_budget_is_shared_by_its_operations() {
        let l = RequestLimits::new(100, Instant::now(), None, None);
        assert!(l.charge(60).is_ok());
        assert!(l.charge(30).is_ok());
        let e = l.charge(20).unwrap_err();
        assert!(e.message.contains("budget of 100"));
    }

    #[test]
    fn a_client_over_its_rate_waits_while_others_go_on() {
        let rate = RateLimit::new(1_000, 5_000);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let la = RequestLimits::new(usize::MAX, Instant::now(), Some(a), rate.clone());
        assert!(la.charge(EXPENSIVE * 2).is_ok());
        let e = la.charge(EXPENSIVE * 2).unwrap_err();
        let code = e.extensions.as_ref().and_then(|x| x.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from(RATE_LIMITED)));
        assert!(la
            .retry_after()
            .is_some_and(|d| d >= Duration::from_secs(1)));
        let lb = RequestLimits::new(usize::MAX, Instant::now(), Some(b), rate);
        assert!(lb.charge(EXPENSIVE * 2).is_ok(), "another client");
        assert!(
            lb.charge(10).is_ok(),
            "cheap operations are not rate limited"
        );
    }
}
