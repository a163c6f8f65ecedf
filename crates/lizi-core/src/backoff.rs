//! [`Backoff`]: the pause before trying again, for every loop that dials, posts or pushes
//! again after a failure (the OneBot face's reverse WebSocket and HTTP POST, the bridge's
//! forward-WebSocket dialling, the push reporters). Never below [`Backoff::FLOOR`], so a
//! setting of 0 cannot make a tight loop, and doubling after each failure up to a cap.
//!
//! It is a few lines of arithmetic on [`Duration`]s, shared here rather than taken from a
//! retry crate: each loop keeps its own select on shutdown, which such crates would wrap.

use std::time::Duration;

/// The pause before the next attempt, doubling after each failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    first: Duration,
    cap: Duration,
    next: Duration,
}

impl Backoff {
    /// The shortest pause there is, whatever the settings say.
    pub const FLOOR: Duration = Duration::from_millis(100);

    /// Pauses starting at `first` and doubling up to `cap`, both raised to [`Self::FLOOR`]
    /// (and `cap` to `first`).
    pub fn new(first: Duration, cap: Duration) -> Backoff {
        let first = first.max(Self::FLOOR);
        let cap = cap.max(first);
        Backoff {
            first,
            cap,
            next: first,
        }
    }

    /// Pauses starting at [`Self::FLOOR`] and doubling up to `cap`.
    pub fn up_to(cap: Duration) -> Backoff {
        Backoff::new(Self::FLOOR, cap)
    }

    /// The pause to wait now; the one after it is twice as long, up to the cap.
    pub fn pause(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(self.cap);
        pause
    }

    /// Starts over at the first pause (after a success).
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn pauses_double_to_the_cap_and_start_over_after_a_success() {
        let mut backoff = Backoff::new(ms(200), ms(1000));
        let pauses: Vec<_> = (0..5).map(|_| backoff.pause()).collect();
        assert_eq!(pauses, [ms(200), ms(400), ms(800), ms(1000), ms(1000)]);
        backoff.reset();
        assert_eq!(backoff.pause(), ms(200));
    }

    #[test]
    fn a_setting_of_zero_still_waits_and_backs_off() {
        let mut backoff = Backoff::up_to(Duration::ZERO);
        assert_eq!((backoff.pause(), backoff.pause()), (ms(100), ms(100)));
        let mut backoff = Backoff::new(Duration::ZERO, ms(10_000));
        let pauses: Vec<_> = (0..4).map(|_| backoff.pause()).collect();
        assert_eq!(pauses, [ms(100), ms(200), ms(400), ms(800)]);
    }
}
