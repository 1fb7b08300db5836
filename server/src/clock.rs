//! The server's clock. Every rule that depends on "now" — today's and this week's date
//! in Beijing, a timeslot that has started, the cancel window, a tap's age, a session's
//! expiry, the time written into a row — reads it from here, never from the system
//! directly, so a test can set the instant it runs at (a Thursday 10:00:01, the 1st of a
//! month at 00:30 Beijing time, one second before a week ends) and get the same answer
//! on any day of the week, at any hour, in any time zone.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system's time (what a deployment runs on).
    pub fn system() -> Self {
        Clock(None)
    }

    /// Stands still at `at` until set or advanced (tests of time rules).
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Some(Arc::new(AtomicI64::new(at.timestamp_millis()))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(ms) => DateTime::from_timestamp_millis(ms.load(Ordering::SeqCst)).unwrap_or_else(Utc::now),
        }
    }

    /// Now in Unix seconds, as rows store it.
    pub fn unix(&self) -> i64 {
        self.now().timestamp()
    }

    /// Moves a fixed clock to `at` (a system clock cannot be moved: panics).
    pub fn set(&self, at: DateTime<Utc>) {
        self.0.as_ref().expect("only a fixed clock can be set").store(at.timestamp_millis(), Ordering::SeqCst);
    }

    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_fixed_clock_stands_still_until_moved() {
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 15, 59, 59).unwrap();
        let c = Clock::fixed(t);
        let shared = c.clone();
        assert_eq!(c.now(), t);
        shared.advance(Duration::seconds(2));
        assert_eq!(c.now(), t + Duration::seconds(2), "clones share the instant");
        assert_eq!(c.unix(), t.timestamp() + 2);
        let s = Clock::system();
        assert!((s.now() - Utc::now()).num_seconds().abs() < 5);
    }
}
