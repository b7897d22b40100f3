//! "Once the burst is over": events come in bursts (a join is an update and a system line), and
//! what they call for (a refetch) should happen once per burst, shortly after it.

use std::time::Duration;

use leptos::prelude::*;

/// A job that runs once, `delay` after the first of any number of requests for it.
#[derive(Clone, Copy)]
pub struct Settle {
    delay: Duration,
    scheduled: StoredValue<bool>,
}

impl Settle {
    pub fn new(delay: Duration) -> Self {
        Settle {
            delay,
            scheduled: StoredValue::new(false),
        }
    }

    /// Schedules `job` unless a run is already scheduled (the scheduled one will do).
    /// Nothing runs once the owner is gone (the panel closed, the page left): the job would
    /// only write to what is no longer shown.
    pub fn soon(self, job: impl FnOnce() + 'static) {
        if self.scheduled.try_get_value() != Some(false) {
            return;
        }
        self.scheduled.set_value(true);
        set_timeout(
            move || {
                if self.scheduled.try_set_value(false).is_none() {
                    job();
                }
            },
            self.delay,
        );
    }
}
