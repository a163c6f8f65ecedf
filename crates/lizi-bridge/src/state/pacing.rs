//! Send pacing: per account and per group token buckets in front of message sends, so
//! that a busy plugin does not trip QQ's risk control (风控) on a real account. The OneBot
//! implementations do not pace (docs/onebot-implementations.md#_async-and-_rate_limited: NapCat and LLOneBot treat
//! `_rate_limited` as a plain alias), so the bridge does.
//!
//! A send takes one token from its account's bucket and, for a group, one from the group's;
//! when a bucket is empty it waits for the token, up to [`PacingConfig::max_wait`]; a send
//! that would wait longer fails at once and takes nothing. A risk-control failure from the
//! implementation halves the account's rate for [`SLOWDOWN`].
//!
//! The buckets are hand-written: they are a few lines of arithmetic under the bridge's own
//! lock, where a rate-limiting crate would bring its own clock and storage for no gain.
//! They are kept by the backend itself, for every account and group across connections,
//! so they live among what is kept; the send path ([`crate::outbound::send`]) waits here
//! for its turn.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use lizi_core::{Failure, FailureKind, Uin};
use tokio::time::Instant;

/// Sends an account may make at once after a quiet spell.
pub const ACCOUNT_BURST: f64 = 5.0;
/// Sends a group may receive at once after a quiet spell.
pub const GROUP_BURST: f64 = 3.0;
/// How long an account stays at half rate after a risk-control failure.
pub const SLOWDOWN: Duration = Duration::from_secs(600);

/// How fast the bridge sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacingConfig {
    /// Messages per minute per account, sustained (0: unpaced).
    pub account_per_minute: u32,
    /// Messages per minute per group, sustained (0: unpaced).
    pub group_per_minute: u32,
    /// The longest a send waits for its turn before it fails.
    pub max_wait: Duration,
}

impl Default for PacingConfig {
    /// One message a second per account and one every two seconds per group: cautious
    /// rates, well below a busy human chat, not a measured threshold (QQ publishes none).
    fn default() -> Self {
        PacingConfig {
            account_per_minute: 60,
            group_per_minute: 30,
            max_wait: Duration::from_secs(10),
        }
    }
}

/// A token bucket; its tokens go below zero for the sends already waiting.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(burst: f64, now: Instant) -> Bucket {
        Bucket {
            tokens: burst,
            at: now,
        }
    }

    /// Refills for the time since the last look, and says how long a new send waits.
    fn wait(&mut self, now: Instant, per_second: f64, burst: f64) -> Duration {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * per_second).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - self.tokens) / per_second)
        }
    }
}

#[derive(Debug, Default)]
struct Buckets {
    accounts: HashMap<Uin, Bucket>,
    groups: HashMap<Uin, Bucket>,
    slowed: HashMap<Uin, Instant>,
}

/// The counters `/metrics` shows.
#[derive(Debug, Default)]
struct Counters {
    waited: AtomicU64,
    refused: AtomicU64,
    risk_control: AtomicU64,
}

/// The buckets of every account and group, and the pacing counters.
#[derive(Debug, Default)]
pub struct Pacer {
    config: PacingConfig,
    buckets: Mutex<Buckets>,
    counters: Counters,
}

fn per_second(per_minute: u32) -> f64 {
    f64::from(per_minute) / 60.0
}

impl Pacer {
    /// A pacer sending as `config` says.
    pub fn new(config: PacingConfig) -> Pacer {
        Pacer {
            config,
            ..Pacer::default()
        }
    }

    /// Waits for `account`'s turn to send (to `group`, if a group message), or fails at
    /// once when the turn is further away than the configured wait.
    pub async fn admit(&self, account: Uin, group: Option<Uin>) -> Result<(), Failure> {
        let wait = self.reserve(account, group, Instant::now())?;
        if !wait.is_zero() {
            self.counters.waited.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    /// Takes the tokens of a send at `now` and says how long it waits, or refuses it.
    fn reserve(&self, account: Uin, group: Option<Uin>, now: Instant) -> Result<Duration, Failure> {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let slowed = buckets
            .slowed
            .get(&account)
            .is_some_and(|until| *until > now);
        let mut account_rate = per_second(self.config.account_per_minute);
        if slowed {
            account_rate /= 2.0;
        }
        let group_rate = per_second(self.config.group_per_minute);
        let mut wait = Duration::ZERO;
        if account_rate > 0.0 {
            let bucket = buckets
                .accounts
                .entry(account)
                .or_insert_with(|| Bucket::full(ACCOUNT_BURST, now));
            wait = wait.max(bucket.wait(now, account_rate, ACCOUNT_BURST));
        }
        if let (Some(group), true) = (group, group_rate > 0.0) {
            let bucket = buckets
                .groups
                .entry(group)
                .or_insert_with(|| Bucket::full(GROUP_BURST, now));
            wait = wait.max(bucket.wait(now, group_rate, GROUP_BURST));
        }
        if wait > self.config.max_wait {
            self.counters.refused.fetch_add(1, Ordering::Relaxed);
            let retry = wait.as_secs_f64().ceil();
            return Err(Failure::new(
                FailureKind::Refused,
                format!(
                    "paced out: account {account} is sending faster than lizi's send pacing \
                     allows{}; nothing was sent, retry in {retry:.0} s",
                    if slowed {
                        " (at half rate after QQ risk control)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        if account_rate > 0.0 {
            if let Some(bucket) = buckets.accounts.get_mut(&account) {
                bucket.tokens -= 1.0;
            }
        }
        if let (Some(group), true) = (group, group_rate > 0.0) {
            if let Some(bucket) = buckets.groups.get_mut(&group) {
                bucket.tokens -= 1.0;
            }
        }
        Ok(wait)
    }

    /// Counts a risk-control failure of `account` and halves its rate for [`SLOWDOWN`].
    pub fn risk_control(&self, account: Uin) {
        self.counters.risk_control.fetch_add(1, Ordering::Relaxed);
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        buckets.slowed.insert(account, Instant::now() + SLOWDOWN);
    }

    /// The sends that waited for their turn, those refused, and those QQ held back.
    pub fn counts(&self) -> [u64; 3] {
        [
            &self.counters.waited,
            &self.counters.refused,
            &self.counters.risk_control,
        ]
        .map(|counter| counter.load(Ordering::Relaxed))
    }
}

/// Whether an implementation's failure is QQ risk control: retcode 1200 with a timeout,
/// as NapCat answers a send QQ held back (docs/bridge.md#what-users-of-the-implementations-lost, NapNeko/NapCatQQ#808).
pub fn is_risk_control(retcode: i64, message: &str) -> bool {
    retcode == 1200 && message.to_ascii_lowercase().contains("timeout")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer(account_per_minute: u32, group_per_minute: u32, wait_s: u64) -> Pacer {
        Pacer::new(PacingConfig {
            account_per_minute,
            group_per_minute,
            max_wait: Duration::from_secs(wait_s),
        })
    }

    #[test]
    fn a_burst_goes_at_once_then_sends_wait_then_are_refused() {
        let pacer = pacer(60, 0, 2);
        let now = Instant::now();
        for _ in 0..5 {
            assert_eq!(pacer.reserve(1, None, now).ok(), Some(Duration::ZERO));
        }
        assert_eq!(
            pacer.reserve(1, None, now).ok(),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            pacer.reserve(1, None, now).ok(),
            Some(Duration::from_secs(2))
        );
        let refused = pacer.reserve(1, None, now).expect_err("refused");
        assert!(
            refused.message.contains("retry in 3 s"),
            "{}",
            refused.message
        );
        // Another account has its own bucket; time refills this one.
        assert_eq!(pacer.reserve(2, None, now).ok(), Some(Duration::ZERO));
        let later = now + Duration::from_secs(10);
        assert_eq!(pacer.reserve(1, None, later).ok(), Some(Duration::ZERO));
    }

    #[test]
    fn a_group_is_paced_across_accounts_and_risk_control_halves_the_rate() {
        let pacer = pacer(0, 30, 1);
        let now = Instant::now();
        for account in 1..=3 {
            assert_eq!(
                pacer.reserve(account, Some(9), now).ok(),
                Some(Duration::ZERO)
            );
        }
        assert!(pacer.reserve(4, Some(9), now).is_err());
        assert!(pacer.reserve(4, None, now).is_ok());

        let pacer = pacer_slowed();
        let now = Instant::now();
        assert!(pacer.reserve(1, None, now).is_ok());
        // Half of 60 a minute: the next token is two seconds away, past the wait.
        assert!(pacer.reserve(1, None, now).is_err());
        let [_, refused, risk_control] = pacer.counts();
        assert_eq!((refused, risk_control), (1, 1));
    }

    fn pacer_slowed() -> Pacer {
        let pacer = pacer(60, 0, 1);
        pacer.risk_control(1);
        let now = Instant::now();
        let mut buckets = pacer.buckets.lock().expect("lock");
        buckets.accounts.insert(1, Bucket::full(1.0, now));
        drop(buckets);
        pacer
    }

    #[test]
    fn risk_control_is_a_1200_timeout() {
        assert!(is_risk_control(
            1200,
            "Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg"
        ));
        assert!(!is_risk_control(1200, "group not found"));
        assert!(!is_risk_control(1400, "timeout"));
    }
}
