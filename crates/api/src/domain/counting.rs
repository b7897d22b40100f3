//! How a change to a conversation moves the counters: computed from the state before and after,
//! so every path (visitor, agent, integrator) keeps the tab counts and the Overview exact.

use chrono::{DurationRound, NaiveDateTime, TimeDelta};

use switchboard_types::conversations::ConversationState as State;

use crate::store::conversations::Conversation;
use crate::store::counters::{BucketDelta, CounterDelta};

/// The part of a conversation the counters depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub status: State,
    pub booked: bool,
    pub agent_requested: bool,
}

impl From<&Conversation> for Counted {
    fn from(c: &Conversation) -> Self {
        Counted {
            status: c.status,
            booked: c.booked,
            agent_requested: c.agent_requested,
        }
    }
}

/// The counter change of moving from `before` (None: the conversation is new) to `after`.
pub fn transition(before: Option<Counted>, after: Counted) -> CounterDelta {
    let flag = |c: Option<Counted>, f: &dyn Fn(Counted) -> bool| c.map(f).unwrap_or(false) as i64;
    let diff = |f: &dyn Fn(Counted) -> bool| f(after) as i64 - flag(before, f);
    CounterDelta {
        total: before.is_none() as i64,
        unresolved: diff(&|c| c.status != State::Resolved),
        needs_agent: diff(&|c| c.status == State::NeedsAgent),
        resolved: diff(&|c| c.status == State::Resolved),
        booked: diff(&|c| c.booked),
        agent_requests: diff(&|c| c.agent_requested),
        ..CounterDelta::default()
    }
}

/// The start of the 15-minute bucket holding `at`.
pub fn bucket_of(at: NaiveDateTime) -> NaiveDateTime {
    at.duration_trunc(TimeDelta::minutes(15)).unwrap_or(at)
}

/// A bucket delta with one field set.
pub fn one(field: fn(&mut BucketDelta)) -> BucketDelta {
    let mut d = BucketDelta::default();
    field(&mut d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(status: &str, booked: bool, requested: bool) -> Counted {
        Counted {
            status: State::parse(status).unwrap(),
            booked,
            agent_requested: requested,
        }
    }

    #[test]
    fn a_new_conversation_counts_once_everywhere_it_belongs() {
        let d = transition(None, c("open", false, false));
        assert_eq!(
            (d.total, d.unresolved, d.needs_agent, d.resolved),
            (1, 1, 0, 0)
        );
    }

    #[test]
    fn asking_for_a_human_then_resolving() {
        let asked = transition(Some(c("open", false, false)), c("needs_agent", false, true));
        assert_eq!(
            (
                asked.total,
                asked.unresolved,
                asked.needs_agent,
                asked.agent_requests
            ),
            (0, 0, 1, 1)
        );
        let resolved = transition(
            Some(c("needs_agent", false, true)),
            c("resolved", false, true),
        );
        assert_eq!(
            (
                resolved.unresolved,
                resolved.needs_agent,
                resolved.resolved,
                resolved.agent_requests
            ),
            (-1, -1, 1, 0)
        );
        let reopened = transition(Some(c("resolved", false, true)), c("open", false, true));
        assert_eq!((reopened.unresolved, reopened.resolved), (1, -1));
    }

    #[test]
    fn booking_counts_once() {
        let d = transition(Some(c("open", false, false)), c("open", true, false));
        assert_eq!(d.booked, 1);
        assert!(transition(Some(c("open", true, false)), c("open", true, false)).is_zero());
    }

    #[test]
    fn buckets_are_quarter_hours() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_milli_opt(10, 44, 59, 999)
            .unwrap();
        assert_eq!(bucket_of(at).to_string(), "2026-11-25 10:30:00");
    }
}
