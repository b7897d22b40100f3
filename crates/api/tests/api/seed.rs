//! Seeds a known history straight into a test server's database through the server's own store
//! and counter code (the same `save_counted` every service uses), for what the real-time API
//! cannot produce: conversations started days ago, WhatsApp conversations, large volumes.

#![allow(dead_code)]

use chrono::{Duration as ChronoDuration, NaiveDateTime, SubsecRound};
use switchboard_api::db::Db;
use switchboard_api::domain::conversation_state::{bump_chart, save_counted};
use switchboard_api::store::counters::{BucketDelta, CounterDelta};
use switchboard_api::store::{
    self, bookings::Booking, conversations::Conversation, messages::Message, ratings::Rating,
    visitors::Visitor,
};

use switchboard_types::conversations::ConversationState;
use switchboard_types::messages::MessageKind;

use crate::helpers::TestApp;

/// An enum from its stored name (the specs below are written as the database stores them).
fn named<T: TryFrom<String>>(name: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(name.to_string()).expect("a known name")
}

/// A conversation to seed.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub channel: &'static str,
    pub started_at: NaiveDateTime,
    /// open | needs_agent | resolved
    pub status: &'static str,
    pub assignee: Option<String>,
    pub resolved_by: Option<String>,
    pub agent_requested: bool,
    pub booked: bool,
    pub rating: Option<i16>,
    /// Senders (`customer`, `ai`, `agent`) of messages, one minute apart from the start.
    pub messages: Vec<&'static str>,
}

impl Seeded {
    /// An open widget conversation with one customer message, started at `at`.
    /// Stored at microseconds, as the server stores every time (and as its cursors count).
    pub fn at(at: NaiveDateTime) -> Seeded {
        Seeded {
            channel: "widget",
            started_at: at.trunc_subsecs(6),
            status: "open",
            assignee: None,
            resolved_by: None,
            agent_requested: false,
            booked: false,
            rating: None,
            messages: vec!["customer"],
        }
    }
}

/// Writes into a running test server's database.
pub struct Seeder {
    db: Db,
    tenant_id: String,
}

impl Seeder {
    pub fn open(app: &TestApp, tenant_id: &str) -> Seeder {
        Seeder {
            db: Db::connect(&app.database_url, 2).expect("seeder cannot open the database"),
            tenant_id: tenant_id.to_string(),
        }
    }

    /// Seeds one conversation; returns its id.
    pub fn conversation(&self, spec: &Seeded) -> String {
        let tenant = self.tenant_id.clone();
        let spec = spec.clone();
        self.db
            .write_blocking(move |conn| {
                let spec = &spec;
                let visitor = visitor(&tenant, spec);
                store::visitors::insert(conn, &visitor)?;
                let mut c = open_conversation(&tenant, &visitor, spec);
                save_counted(conn, None, &c, CounterDelta::default())?;
                bump_chart(
                    conn,
                    &c,
                    c.started_at,
                    BucketDelta {
                        sessions: 1,
                        ..Default::default()
                    },
                )?;
                for (i, sender) in spec.messages.iter().enumerate() {
                    let at = spec.started_at + ChronoDuration::minutes(i as i64);
                    let before = c.clone();
                    store::messages::insert(conn, &message(&c, sender, at, spec))?;
                    c.message_count += 1;
                    c.last_activity_at = at;
                    let extra = CounterDelta {
                        messages_ai: (*sender == "ai") as i64,
                        messages_agent: (*sender == "agent") as i64,
                        ..Default::default()
                    };
                    save_counted(conn, Some(&before), &c, extra)?;
                    if *sender != "customer" {
                        bump_chart(
                            conn,
                            &c,
                            at,
                            BucketDelta {
                                messages: 1,
                                ..Default::default()
                            },
                        )?;
                    }
                }
                finish(conn, &mut c, spec)?;
                Ok(c.id)
            })
            .expect("seeding failed")
    }
}

fn visitor(tenant: &str, spec: &Seeded) -> Visitor {
    let id = uuid::Uuid::now_v7().to_string();
    Visitor {
        display_id: format!("V-S{}", &id[id.len() - 6..].to_uppercase()),
        id,
        tenant_id: tenant.into(),
        channel: named(spec.channel),
        whatsapp_phone: (spec.channel == "whatsapp").then(|| format!("+3361{}", rand_digits())),
        name: None,
        email: None,
        phone: None,
        custom_fields: "{}".into(),
        first_seen_at: spec.started_at,
        last_seen_at: spec.started_at,
    }
}

fn rand_digits() -> String {
    format!("{:07}", uuid::Uuid::new_v4().as_u128() % 10_000_000)
}

fn open_conversation(tenant: &str, visitor: &Visitor, spec: &Seeded) -> Conversation {
    Conversation {
        id: uuid::Uuid::now_v7().to_string(),
        tenant_id: tenant.into(),
        visitor_id: visitor.id.clone(),
        channel: named(spec.channel),
        status: ConversationState::Open,
        assignee_id: None,
        needs_agent_since: None,
        agent_requested: false,
        booked: false,
        rating: None,
        pending_handoff_id: None,
        message_count: 0,
        shard: (uuid::Uuid::new_v4().as_u128() % 16) as i32,
        started_at: spec.started_at,
        last_activity_at: spec.started_at,
        resolved_at: None,
        resolved_by: None,
        last_customer_message_at: Some(spec.started_at),
    }
}

fn message(c: &Conversation, sender: &str, at: NaiveDateTime, spec: &Seeded) -> Message {
    Message {
        id: uuid::Uuid::now_v7().to_string(),
        tenant_id: c.tenant_id.clone(),
        conversation_id: c.id.clone(),
        sender: named(sender),
        sender_user_id: if sender == "agent" {
            spec.assignee.clone().or(spec.resolved_by.clone())
        } else {
            None
        },
        kind: MessageKind::Text,
        body: Some(format!("{sender} message")),
        attachment_id: None,
        payload: None,
        client_message_id: None,
        created_at: at,
    }
}

/// Moves the conversation to its final state: assignee, status, booking, rating.
fn finish(
    conn: &mut store::Conn,
    c: &mut Conversation,
    spec: &Seeded,
) -> Result<(), switchboard_api::error::AppError> {
    let before = c.clone();
    let end = c.last_activity_at + ChronoDuration::minutes(1);
    c.assignee_id = spec.assignee.clone();
    c.agent_requested = spec.agent_requested;
    c.status = named(spec.status);
    if spec.status == "needs_agent" {
        c.needs_agent_since = Some(end);
    }
    if spec.status == "resolved" {
        c.resolved_at = Some(end);
        c.resolved_by = spec.resolved_by.clone();
    }
    let mut extra = CounterDelta::default();
    if spec.booked {
        c.booked = true;
        extra.bookings = 1;
        store::bookings::insert(
            conn,
            &Booking {
                id: uuid::Uuid::now_v7().to_string(),
                tenant_id: c.tenant_id.clone(),
                conversation_id: c.id.clone(),
                starts_at: end + ChronoDuration::days(1),
                ends_at: None,
                note: None,
                created_by: None,
                created_at: end,
            },
        )?;
        bump_chart(
            conn,
            c,
            end,
            BucketDelta {
                bookings: 1,
                ..Default::default()
            },
        )?;
    }
    if let Some(stars) = spec.rating {
        c.rating = Some(stars);
        extra.rating_sum = stars as i64;
        extra.rating_count = 1;
        store::ratings::upsert(
            conn,
            &Rating {
                id: uuid::Uuid::now_v7().to_string(),
                tenant_id: c.tenant_id.clone(),
                conversation_id: c.id.clone(),
                stars,
                categories: "[]".into(),
                comment: None,
                created_at: end,
            },
        )?;
    }
    save_counted(conn, Some(&before), c, extra)?;
    if spec.status == "resolved" {
        bump_chart(
            conn,
            c,
            end,
            BucketDelta {
                resolved: 1,
                ..Default::default()
            },
        )?;
    }
    Ok(())
}
