//! The conversation's rules as one state machine: what each action does to a conversation and
//! when it is refused. Pure: no database, no clock (times come in), no HTTP. A service loads the
//! conversation under lock, asks these rules for the conversation after the action (or the
//! refusal), stores it and emits its events. The join lock's race between agents is decided in
//! the database first (`store::conversations::try_take`); these rules then apply to the row
//! as it is locked.
//!
//! States: `open` (the AI or an agent handles it), `needs_agent` (the visitor waits for a
//! human), `resolved`. Across them: who holds the join lock (`assignee_id`) and whether a
//! delegation waits for an answer (`pending_handoff_id`, shown as "Delegated").

use chrono::NaiveDateTime;
use switchboard_types::conversations::ConversationState as State;

use crate::store::conversations::Conversation;

/// Who acts on a conversation.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The member acting; `None` for an API key, which acts for the workspace.
    pub user_id: Option<&'a str>,
    /// Admins, the owner and API keys may act on a conversation without holding it.
    pub overrides: bool,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The conversation is resolved: reopen it first.
    Resolved,
    /// Resolving a conversation that is resolved already.
    AlreadyResolved,
    /// Reopening a conversation that is not resolved.
    NotResolved,
    /// Nobody holds the conversation and the actor may not act without holding it.
    NotJoined,
    /// Another agent, this one, holds the conversation.
    LockedBy(String),
    /// A delegation waits for an answer already.
    DelegationPending,
    /// The delegation was answered or withdrawn already.
    DelegationNotPending,
    /// A delegation to the member who holds the conversation.
    DelegateToHolder,
    /// Handing a conversation to oneself.
    HandToSelf,
}

/// How a pending delegation is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The target takes the conversation: the lock moves.
    Accept,
    /// The target declines: the holder keeps it.
    Reject,
    /// The requester (or an admin) withdraws it.
    Cancel,
}

/// The visitor asks for a human: the conversation waits for an agent and the team is
/// alerted. `None` when nothing changes: an agent is in it, or it waits already.
pub fn request_agent(c: &Conversation, at: NaiveDateTime) -> Option<Conversation> {
    if c.assignee_id.is_some() || c.status == State::NeedsAgent {
        return None;
    }
    let mut after = c.clone();
    after.status = State::NeedsAgent;
    after.needs_agent_since = Some(at);
    after.agent_requested = true;
    after.last_activity_at = at;
    Some(after)
}

/// `me` takes the join lock (theirs already, or taken over by an admin): the visitor no longer
/// waits, and the AI stops replying.
pub fn join(c: &Conversation, me: &str) -> Result<Conversation, Refusal> {
    refuse_resolved(c)?;
    let mut after = no_longer_waiting(c);
    after.assignee_id = Some(me.to_string());
    Ok(after)
}

/// The holder leaves: nobody holds it and the AI may resume; a delegation waiting is withdrawn.
pub fn leave(c: &Conversation, me: &str) -> Result<Conversation, Refusal> {
    if c.assignee_id.as_deref() != Some(me) {
        return Err(Refusal::NotJoined);
    }
    let mut after = c.clone();
    after.assignee_id = None;
    after.pending_handoff_id = None;
    Ok(after)
}

/// Whether `actor` may act as the conversation's agent: its holder, or anyone who overrides.
pub fn may_act(c: &Conversation, actor: Actor<'_>) -> Result<(), Refusal> {
    let holds = c.assignee_id.is_some() && c.assignee_id.as_deref() == actor.user_id;
    if holds || actor.overrides {
        return Ok(());
    }
    match &c.assignee_id {
        Some(holder) => Err(Refusal::LockedBy(holder.clone())),
        None => Err(Refusal::NotJoined),
    }
}

/// An agent's message: only by who may act, and not on a resolved conversation.
pub fn send(c: &Conversation, actor: Actor<'_>) -> Result<(), Refusal> {
    may_act(c, actor)?;
    refuse_resolved(c)
}

/// The lock moves to `to` at once; a delegation waiting is withdrawn.
pub fn transfer(c: &Conversation, actor: Actor<'_>, to: &str) -> Result<Conversation, Refusal> {
    may_act(c, actor)?;
    refuse_resolved(c)?;
    if actor.user_id == Some(to) {
        return Err(Refusal::HandToSelf);
    }
    let mut after = no_longer_waiting(c);
    after.assignee_id = Some(to.to_string());
    after.pending_handoff_id = None;
    Ok(after)
}

/// Asks `to` to take the conversation; the holder keeps it until they answer. `handoff_id` is
/// the request's id.
pub fn delegate(
    c: &Conversation,
    actor: Actor<'_>,
    to: &str,
    handoff_id: &str,
) -> Result<Conversation, Refusal> {
    may_act(c, actor)?;
    refuse_resolved(c)?;
    let holder = c.assignee_id.as_deref().ok_or(Refusal::NotJoined)?;
    if c.pending_handoff_id.is_some() {
        return Err(Refusal::DelegationPending);
    }
    if actor.user_id == Some(to) {
        return Err(Refusal::HandToSelf);
    }
    if to == holder {
        return Err(Refusal::DelegateToHolder);
    }
    let mut after = c.clone();
    after.pending_handoff_id = Some(handoff_id.to_string());
    Ok(after)
}

/// Answers the conversation's pending delegation `handoff_id`, which is for `to`: on accept
/// the lock moves to them; the conversation no longer shows "Delegated" either way.
pub fn answer_delegation(
    c: &Conversation,
    handoff_id: &str,
    to: &str,
    answer: Answer,
) -> Result<Conversation, Refusal> {
    if c.pending_handoff_id.as_deref() != Some(handoff_id) {
        return Err(Refusal::DelegationNotPending);
    }
    let mut after = c.clone();
    after.pending_handoff_id = None;
    if answer == Answer::Accept {
        refuse_resolved(c)?;
        after.assignee_id = Some(to.to_string());
    }
    Ok(after)
}

/// Resolves the conversation at `at`; a delegation waiting is withdrawn.
pub fn resolve(
    c: &Conversation,
    actor: Actor<'_>,
    at: NaiveDateTime,
) -> Result<Conversation, Refusal> {
    if c.status == State::Resolved {
        return Err(Refusal::AlreadyResolved);
    }
    may_act(c, actor)?;
    let mut after = c.clone();
    after.status = State::Resolved;
    after.needs_agent_since = None;
    after.resolved_at = Some(at);
    after.resolved_by = actor.user_id.map(str::to_string);
    after.last_activity_at = at;
    after.pending_handoff_id = None;
    Ok(after)
}

/// An agent reopens a resolved conversation at `at`.
pub fn reopen(c: &Conversation, at: NaiveDateTime) -> Result<Conversation, Refusal> {
    if c.status != State::Resolved {
        return Err(Refusal::NotResolved);
    }
    Ok(reopened(c, at))
}

/// The conversation as it is once reopened at `at` (by an agent, or by the visitor writing
/// again when the workspace reopens resolved conversations).
pub fn reopened(c: &Conversation, at: NaiveDateTime) -> Conversation {
    let mut after = c.clone();
    after.status = State::Open;
    after.resolved_at = None;
    after.resolved_by = None;
    after.last_activity_at = at;
    after
}

/// Whether new visitor activity goes to this conversation as it is (not resolved).
pub fn takes_visitor_activity(c: &Conversation) -> bool {
    c.status != State::Resolved
}

fn refuse_resolved(c: &Conversation) -> Result<(), Refusal> {
    match c.status {
        State::Resolved => Err(Refusal::Resolved),
        _ => Ok(()),
    }
}

/// A human takes the conversation: a visitor waiting for one waits no more.
fn no_longer_waiting(c: &Conversation) -> Conversation {
    let mut after = c.clone();
    if after.status == State::NeedsAgent {
        after.status = State::Open;
        after.needs_agent_since = None;
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::visitor_chat::{new_conversation, VisitorCtx};

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .and_then(|d| d.and_hms_opt(10, minute, 0))
            .unwrap()
    }

    fn open() -> Conversation {
        let ctx = VisitorCtx {
            tenant_id: "t".into(),
            visitor_id: "v".into(),
            display_id: "V-1".into(),
        };
        new_conversation(&ctx, at(0))
    }

    fn held_by(user: &str) -> Conversation {
        let mut c = open();
        c.assignee_id = Some(user.into());
        c
    }

    fn waiting() -> Conversation {
        request_agent(&open(), at(1)).unwrap()
    }

    fn resolved() -> Conversation {
        resolve(&held_by("ann"), agent("ann"), at(5)).unwrap()
    }

    fn agent(id: &str) -> Actor<'_> {
        Actor {
            user_id: Some(id),
            overrides: false,
        }
    }

    fn admin(id: &str) -> Actor<'_> {
        Actor {
            user_id: Some(id),
            overrides: true,
        }
    }

    const API_KEY: Actor<'static> = Actor {
        user_id: None,
        overrides: true,
    };

    #[test]
    fn asking_for_a_human_waits_unless_someone_is_in_it_or_it_waits_already() {
        let after = request_agent(&open(), at(1)).unwrap();
        assert_eq!(after.status, State::NeedsAgent);
        assert_eq!(after.needs_agent_since, Some(at(1)));
        assert!(after.agent_requested);
        assert_eq!(after.last_activity_at, at(1));
        assert!(request_agent(&after, at(2)).is_none(), "waits already");
        assert!(
            request_agent(&held_by("ann"), at(2)).is_none(),
            "ann is in it"
        );
    }

    #[test]
    fn joining_takes_the_lock_and_ends_the_wait() {
        let after = join(&waiting(), "ann").unwrap();
        assert_eq!(after.assignee_id.as_deref(), Some("ann"));
        assert_eq!(after.status, State::Open);
        assert_eq!(after.needs_agent_since, None);
        assert!(after.agent_requested, "the request is still counted");
        let again = join(&after, "ann").unwrap();
        assert_eq!(again.assignee_id.as_deref(), Some("ann"));
    }

    #[test]
    fn joining_a_resolved_conversation_is_refused() {
        assert_eq!(join(&resolved(), "ann"), Err(Refusal::Resolved));
    }

    #[test]
    fn leaving_frees_the_lock_and_withdraws_a_delegation() {
        let delegated = delegate(&held_by("ann"), agent("ann"), "bob", "h1").unwrap();
        let after = leave(&delegated, "ann").unwrap();
        assert_eq!(after.assignee_id, None);
        assert_eq!(after.pending_handoff_id, None);
    }

    #[test]
    fn only_the_holder_leaves() {
        assert_eq!(leave(&held_by("ann"), "bob"), Err(Refusal::NotJoined));
        assert_eq!(leave(&open(), "bob"), Err(Refusal::NotJoined));
    }

    #[test]
    fn the_holder_or_an_override_may_act() {
        let c = held_by("ann");
        assert_eq!(may_act(&c, agent("ann")), Ok(()));
        assert_eq!(may_act(&c, admin("zoe")), Ok(()));
        assert_eq!(may_act(&c, API_KEY), Ok(()));
        assert_eq!(
            may_act(&c, agent("bob")),
            Err(Refusal::LockedBy("ann".into()))
        );
        assert_eq!(may_act(&open(), agent("bob")), Err(Refusal::NotJoined));
        assert_eq!(
            may_act(&open(), API_KEY),
            Ok(()),
            "keys act for the workspace"
        );
    }

    #[test]
    fn sending_needs_the_lock_and_an_unresolved_conversation() {
        assert_eq!(send(&held_by("ann"), agent("ann")), Ok(()));
        assert_eq!(
            send(&held_by("ann"), agent("bob")),
            Err(Refusal::LockedBy("ann".into()))
        );
        assert_eq!(send(&open(), agent("bob")), Err(Refusal::NotJoined));
        let mut done = resolved();
        done.assignee_id = Some("ann".into());
        assert_eq!(send(&done, agent("ann")), Err(Refusal::Resolved));
    }

    #[test]
    fn a_transfer_moves_the_lock_at_once() {
        let delegated = delegate(&held_by("ann"), agent("ann"), "bob", "h1").unwrap();
        let after = transfer(&delegated, agent("ann"), "cat").unwrap();
        assert_eq!(after.assignee_id.as_deref(), Some("cat"));
        assert_eq!(
            after.pending_handoff_id, None,
            "the delegation is withdrawn"
        );
        let mut needs = waiting();
        needs.assignee_id = Some("ann".into());
        let after = transfer(&needs, admin("zoe"), "bob").unwrap();
        assert_eq!(after.status, State::Open);
        assert_eq!(after.needs_agent_since, None);
    }

    #[test]
    fn transfers_refused() {
        assert_eq!(
            transfer(&held_by("ann"), agent("bob"), "cat"),
            Err(Refusal::LockedBy("ann".into()))
        );
        assert_eq!(
            transfer(&held_by("ann"), agent("ann"), "ann"),
            Err(Refusal::HandToSelf)
        );
        assert_eq!(
            transfer(&resolved(), admin("zoe"), "bob"),
            Err(Refusal::Resolved)
        );
        assert_eq!(
            transfer(&open(), agent("ann"), "bob"),
            Err(Refusal::NotJoined)
        );
    }

    #[test]
    fn a_delegation_waits_and_the_holder_keeps_the_conversation() {
        let after = delegate(&held_by("ann"), agent("ann"), "bob", "h1").unwrap();
        assert_eq!(after.pending_handoff_id.as_deref(), Some("h1"));
        assert_eq!(after.assignee_id.as_deref(), Some("ann"));
        let by_admin = delegate(&held_by("ann"), admin("zoe"), "bob", "h2").unwrap();
        assert_eq!(by_admin.pending_handoff_id.as_deref(), Some("h2"));
    }

    #[test]
    fn delegations_refused() {
        let delegated = delegate(&held_by("ann"), agent("ann"), "bob", "h1").unwrap();
        assert_eq!(
            delegate(&delegated, agent("ann"), "cat", "h2"),
            Err(Refusal::DelegationPending)
        );
        assert_eq!(
            delegate(&held_by("ann"), admin("zoe"), "ann", "h2"),
            Err(Refusal::DelegateToHolder)
        );
        assert_eq!(
            delegate(&held_by("ann"), agent("ann"), "ann", "h2"),
            Err(Refusal::HandToSelf)
        );
        assert_eq!(
            delegate(&open(), admin("zoe"), "bob", "h2"),
            Err(Refusal::NotJoined),
            "nobody holds it to delegate"
        );
        assert_eq!(
            delegate(&held_by("ann"), agent("bob"), "cat", "h2"),
            Err(Refusal::LockedBy("ann".into()))
        );
        assert_eq!(
            delegate(&resolved(), admin("zoe"), "bob", "h2"),
            Err(Refusal::Resolved)
        );
    }

    #[test]
    fn accepting_moves_the_lock_and_rejecting_or_cancelling_keeps_it() {
        let delegated = delegate(&held_by("ann"), agent("ann"), "bob", "h1").unwrap();
        let accepted = answer_delegation(&delegated, "h1", "bob", Answer::Accept).unwrap();
        assert_eq!(accepted.assignee_id.as_deref(), Some("bob"));
        assert_eq!(accepted.pending_handoff_id, None);
        for answer in [Answer::Reject, Answer::Cancel] {
            let kept = answer_delegation(&delegated, "h1", "bob", answer).unwrap();
            assert_eq!(kept.assignee_id.as_deref(), Some("ann"), "{answer:?}");
            assert_eq!(kept.pending_handoff_id, None);
        }
    }

    #[test]
    fn answers_refused() {
        let delegated = delegate(&held_by("ann"), agent("ann"), "bob", "h1").unwrap();
        assert_eq!(
            answer_delegation(&delegated, "h0", "bob", Answer::Accept),
            Err(Refusal::DelegationNotPending),
            "another, older request"
        );
        assert_eq!(
            answer_delegation(&held_by("ann"), "h1", "bob", Answer::Reject),
            Err(Refusal::DelegationNotPending)
        );
        let mut done = delegated.clone();
        done.status = State::Resolved;
        assert_eq!(
            answer_delegation(&done, "h1", "bob", Answer::Accept),
            Err(Refusal::Resolved)
        );
    }

    #[test]
    fn resolving_ends_the_wait_and_the_delegation() {
        let mut c = waiting();
        c.assignee_id = Some("ann".into());
        c.pending_handoff_id = Some("h1".into());
        let after = resolve(&c, agent("ann"), at(9)).unwrap();
        assert_eq!(after.status, State::Resolved);
        assert_eq!(after.needs_agent_since, None);
        assert_eq!(after.resolved_at, Some(at(9)));
        assert_eq!(after.resolved_by.as_deref(), Some("ann"));
        assert_eq!(after.last_activity_at, at(9));
        assert_eq!(after.pending_handoff_id, None);
        let by_key = resolve(&open(), API_KEY, at(9)).unwrap();
        assert_eq!(by_key.resolved_by, None, "a key is nobody");
    }

    #[test]
    fn resolving_refused() {
        assert_eq!(
            resolve(&resolved(), admin("zoe"), at(9)),
            Err(Refusal::AlreadyResolved)
        );
        assert_eq!(
            resolve(&held_by("ann"), agent("bob"), at(9)),
            Err(Refusal::LockedBy("ann".into()))
        );
        assert_eq!(
            resolve(&open(), agent("bob"), at(9)),
            Err(Refusal::NotJoined)
        );
    }

    #[test]
    fn reopening_a_resolved_conversation_and_only_one() {
        let after = reopen(&resolved(), at(10)).unwrap();
        assert_eq!(after.status, State::Open);
        assert_eq!(
            (after.resolved_at, after.resolved_by.as_deref()),
            (None, None)
        );
        assert_eq!(after.last_activity_at, at(10));
        assert_eq!(reopen(&open(), at(10)), Err(Refusal::NotResolved));
        assert!(takes_visitor_activity(&after));
        assert!(!takes_visitor_activity(&resolved()));
    }
}
