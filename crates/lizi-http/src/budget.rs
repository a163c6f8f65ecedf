//! The memory request bodies in flight may hold, over every port of the process.
//!
//! Each body takes room as its bytes arrive (in KiB, rounded up over the whole body), and
//! gives it back once its request is answered. When the budget is full, reading a body
//! pauses — its client's TCP window fills, so no memory grows — until room frees up or
//! the body's deadline passes (then 503). So `max_connections` × `max_body_bytes` cannot
//! exhaust memory: at most the budget is held, whatever the number of connections.
//! A tokio semaphore counts the room; the budget is at least `max_body_bytes`, so any one
//! body can always complete once others have.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The room bodies in flight share.
#[derive(Debug)]
pub struct BodyBudget {
    room: Arc<Semaphore>,
    total_kib: usize,
}

/// Room a body holds until it is dropped.
#[derive(Debug, Default)]
pub(crate) struct Reservation {
    permit: Option<OwnedSemaphorePermit>,
}

impl Reservation {
    /// The KiB held.
    fn kib(&self) -> usize {
        self.permit
            .as_ref()
            .map_or(0, |permit| permit.num_permits())
    }
}

fn kib(bytes: usize) -> usize {
    bytes.div_ceil(1024)
}

impl BodyBudget {
    /// A budget of `bytes`.
    pub fn new(bytes: usize) -> Self {
        let total_kib = kib(bytes).min(Semaphore::MAX_PERMITS);
        BodyBudget {
            room: Arc::new(Semaphore::new(total_kib)),
            total_kib,
        }
    }

    /// The budget, in bytes.
    pub fn total_bytes(&self) -> u64 {
        self.total_kib as u64 * 1024
    }

    /// The bytes bodies in flight hold now.
    pub fn held_bytes(&self) -> u64 {
        self.total_kib.saturating_sub(self.room.available_permits()) as u64 * 1024
    }

    /// Grows `reservation` to cover a body of `bytes`, waiting for room until `deadline`
    /// (`None`: as long as it takes); `false` when the deadline passed first.
    pub(crate) async fn cover(
        &self,
        reservation: &mut Reservation,
        bytes: usize,
        deadline: Option<Instant>,
    ) -> bool {
        let needed = kib(bytes).saturating_sub(reservation.kib());
        if needed == 0 {
            return true;
        }
        let Ok(needed) = u32::try_from(needed) else {
            return false;
        };
        let acquire = self.room.clone().acquire_many_owned(needed);
        let permit = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, acquire).await {
                Ok(permit) => permit,
                Err(_) => return false,
            },
            None => acquire.await,
        };
        let Ok(permit) = permit else {
            return false;
        };
        match &mut reservation.permit {
            Some(held) => held.merge(permit),
            None => reservation.permit = Some(permit),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn bodies_share_the_room_and_give_it_back() {
        let budget = BodyBudget::new(10 * 1024);
        let soon = || Some(Instant::now() + Duration::from_millis(50));
        let mut first = Reservation::default();
        for bytes in [1, 500, 1024, 4000, 6 * 1024] {
            assert!(budget.cover(&mut first, bytes, soon()).await);
        }
        assert_eq!(budget.held_bytes(), 6 * 1024, "rounded over the whole body");
        let mut second = Reservation::default();
        assert!(
            !budget.cover(&mut second, 5 * 1024, soon()).await,
            "no room"
        );
        assert!(budget.cover(&mut second, 4 * 1024, soon()).await);
        drop(first);
        assert_eq!(budget.held_bytes(), 4 * 1024);
        assert!(budget.cover(&mut second, 10 * 1024, soon()).await);
        assert!(!budget.cover(&mut second, 10 * 1024 + 1, soon()).await);
    }
}
