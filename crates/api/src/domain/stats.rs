//! The Overview's numbers: cards from the counters, 14-day charts from 15-minute buckets summed
//! into the tenant's local days.

use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use switchboard_types::stats::{
    AgentOverview, DailySeries, MessagesSent, Overview, PeriodTotals, TeamOverview,
};
use switchboard_types::TenantId;
use switchboard_types::{Role, Section};

use super::member::Member;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::counters::BucketDelta;
use crate::store::{self, Conn};

/// Days in the charts.
pub const DAYS: usize = 14;

/// The Overview for the caller's role: agents get their four cards, admins and the owner (and
/// API keys) the eight cards and the charts.
pub async fn overview(state: &AppState, member: &Member) -> Result<Overview, AppError> {
    member.require_section(Section::Overview)?;
    let member = member.clone();
    state
        .db
        .read(move |conn| match (member.role, member.user_id_opt()) {
            (Role::Agent, Some(me)) => {
                Ok(Overview::Agent(agent_view(conn, &member.tenant_id, me)?))
            }
            _ => Ok(Overview::Team(Box::new(team_view(
                conn,
                &member.tenant_id,
            )?))),
        })
        .await
}

fn agent_view(conn: &mut Conn, tenant_id: &TenantId, me: &str) -> Result<AgentOverview, AppError> {
    Ok(AgentOverview {
        my_open_sessions: store::conversations::count_open_held_by(conn, tenant_id, me)?,
        resolved_by_me: store::conversations::count_resolved_by(conn, tenant_id, me)?,
        open_queue: store::conversations::count_queue(conn, tenant_id)?,
        needs_agent: store::counters::totals(conn, tenant_id, None)?.needs_agent,
    })
}

fn team_view(conn: &mut Conn, tenant_id: &TenantId) -> Result<TeamOverview, AppError> {
    let t = store::counters::totals(conn, tenant_id, None)?;
    let tenant = store::tenants::find(conn, tenant_id)?;
    let tz: Tz = tenant.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let now = Utc::now().naive_utc();
    Ok(TeamOverview {
        total_sessions: t.total,
        messages_sent: MessagesSent {
            total: t.messages_ai + t.messages_agent,
            ai: t.messages_ai,
            agent: t.messages_agent,
        },
        bookings_made: t.bookings,
        resolved: t.resolved,
        documents_ready: store::bookings::count_documents_ready(conn, tenant_id)?,
        resolution_rate: percentage(t.resolved, t.total),
        average_rating: average(t.rating_sum, t.rating_count),
        agent_requests: t.agent_requests,
        series: series(conn, tenant_id, tz, now)?,
        previous: previous_totals(conn, tenant_id, tz, now)?,
    })
}

/// `part / whole` as a percentage with one decimal (0 when there is nothing yet).
pub fn percentage(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The mean with two decimals, or none without ratings.
pub fn average(sum: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| (sum as f64 * 100.0 / count as f64).round() / 100.0)
}

/// The 14 local days ending with today's, as UTC bounds.
pub fn local_days(
    tz: Tz,
    now_utc: NaiveDateTime,
) -> Vec<(NaiveDate, NaiveDateTime, NaiveDateTime)> {
    local_days_back(tz, now_utc, DAYS)
}

/// The `count` local days ending with today's, as UTC bounds, oldest first.
fn local_days_back(
    tz: Tz,
    now_utc: NaiveDateTime,
    count: usize,
) -> Vec<(NaiveDate, NaiveDateTime, NaiveDateTime)> {
    let today = tz.from_utc_datetime(&now_utc).date_naive();
    (0..count as i64)
        .rev()
        .map(|back| {
            let day = today - ChronoDuration::days(back);
            (
                day,
                local_midnight_utc(tz, day),
                local_midnight_utc(tz, day + ChronoDuration::days(1)),
            )
        })
        .collect()
}

/// The UTC instant a local day begins (the earliest, when a clock change repeats midnight; the
/// first existing time, when one skips it).
fn local_midnight_utc(tz: Tz, day: NaiveDate) -> NaiveDateTime {
    let mut local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    for _ in 0..4 {
        if let Some(at) = tz.from_local_datetime(&local).earliest() {
            return at.naive_utc();
        }
        local += ChronoDuration::minutes(30);
    }
    local
}

fn series(
    conn: &mut Conn,
    tenant_id: &TenantId,
    tz: Tz,
    now_utc: NaiveDateTime,
) -> Result<DailySeries, AppError> {
    let days = local_days(tz, now_utc);
    let (from, to) = (days[0].1, days[DAYS - 1].2);
    let buckets = store::counters::buckets_between(conn, tenant_id, from, to)?;
    Ok(sum_into_days(&days, &buckets))
}

/// The 14 local days before the charts' days, summed (from the same 15-minute buckets).
fn previous_totals(
    conn: &mut Conn,
    tenant_id: &TenantId,
    tz: Tz,
    now_utc: NaiveDateTime,
) -> Result<PeriodTotals, AppError> {
    let days = local_days_back(tz, now_utc, 2 * DAYS);
    let earlier = &days[..DAYS];
    let (from, to) = (earlier[0].1, earlier[DAYS - 1].2);
    let buckets = store::counters::buckets_between(conn, tenant_id, from, to)?;
    let s = sum_into_days(earlier, &buckets);
    Ok(PeriodTotals {
        sessions: s.sessions.iter().sum(),
        resolved: s.resolved.iter().sum(),
        messages: s.messages.iter().sum(),
        bookings: s.bookings.iter().sum(),
    })
}

/// Adds each bucket to the day it falls in.
pub fn sum_into_days(
    days: &[(NaiveDate, NaiveDateTime, NaiveDateTime)],
    buckets: &[(NaiveDateTime, BucketDelta)],
) -> DailySeries {
    let mut s = DailySeries {
        days: days
            .iter()
            .map(|(d, _, _)| d.format("%Y-%m-%d").to_string())
            .collect(),
        sessions: vec![0; days.len()],
        resolved: vec![0; days.len()],
        messages: vec![0; days.len()],
        bookings: vec![0; days.len()],
    };
    for (at, b) in buckets {
        if let Some(i) = days
            .iter()
            .position(|(_, start, end)| at >= start && at < end)
        {
            s.sessions[i] += b.sessions;
            s.resolved[i] += b.resolved;
            s.messages[i] += b.messages;
            s.bookings[i] += b.bookings;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn rates_and_averages() {
        assert_eq!(percentage(1, 3), 33.3);
        assert_eq!(percentage(0, 0), 0.0);
        assert_eq!(average(8, 2), Some(4.0));
        assert_eq!(average(14, 3), Some(4.67));
        assert_eq!(average(0, 0), None);
    }

    #[test]
    fn days_follow_the_tenant_time_zone() {
        let tz: Tz = "Asia/Kolkata".parse().unwrap();
        let days = local_days(tz, at("2026-11-25 20:00"));
        assert_eq!(days.len(), 14);
        // 20:00 UTC is already the 26th in India (UTC+5:30), whose day starts at 18:30 UTC.
        assert_eq!(days[13].0.to_string(), "2026-11-26");
        assert_eq!(days[13].1, at("2026-11-25 18:30"));
        let one = BucketDelta {
            sessions: 1,
            ..Default::default()
        };
        let s = sum_into_days(
            &days,
            &[(at("2026-11-25 18:15"), one), (at("2026-11-25 18:30"), one)],
        );
        assert_eq!(s.sessions[12], 1, "18:15 UTC belongs to the 25th in India");
        assert_eq!(s.sessions[13], 1);
    }
}
