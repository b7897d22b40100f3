//! Leads: captured from a conversation (defaults from the pre-chat form), listed, exported.

use switchboard_types::events::EventPayload;
use switchboard_types::leads::{CaptureLeadRequest, LeadView};
use switchboard_types::page::Page;
use switchboard_types::Section;

use super::conversation_state::load_locked;
use super::member::Member;
use super::validate;
use super::views::lead_view;
use super::visitor_chat::{ensure_visitor, VisitorCtx};
use crate::clock::{new_id, now};
use crate::error::{AppError, Violations};
use crate::state::AppState;
use crate::store::{self, leads::Lead};

/// Captures a lead from a conversation. Name and phone fall back to the visitor's pre-chat
/// answers when left out.
pub async fn capture(
    state: &AppState,
    member: &Member,
    conversation_id: String,
    req: CaptureLeadRequest,
) -> Result<LeadView, AppError> {
    member.require_section(Section::Leads)?;
    let mut v = Violations::default();
    let email = validate::email(&mut v, "email", &req.email);
    let name = validate::optional_text(&mut v, "name", req.name.as_deref(), 100);
    let phone = validate::optional_text(&mut v, "phone", req.phone.as_deref(), 40);
    let company = validate::optional_text(&mut v, "company", req.company.as_deref(), 100);
    let message = validate::optional_text(&mut v, "message", req.message.as_deref(), 2000);
    v.finish()?;
    let member2 = member.clone();
    state
        .transact(&member.tenant_id, move |conn, outbox| {
            let tenant = &member2.tenant_id;
            let c = load_locked(conn, tenant, &conversation_id)?;
            let visitor = store::visitors::find(conn, tenant, &c.visitor_id)?;
            let lead = Lead {
                id: new_id(),
                tenant_id: tenant.clone(),
                conversation_id: Some(c.id.clone()),
                visitor_id: Some(c.visitor_id.clone()),
                email,
                name: name.or_else(|| visitor.as_ref().and_then(|v| v.name.clone())),
                phone: phone.or_else(|| visitor.as_ref().and_then(|v| v.phone.clone())),
                company,
                message,
                captured_by: member2.user_id_opt().map(str::to_string),
                created_at: now(),
            };
            store::leads::insert(conn, &lead)?;
            let view = lead_view(&lead);
            outbox.emit(EventPayload::LeadCreated(view.clone()), Some(&c.id), None);
            Ok(view)
        })
        .await
}

/// A visitor who found no agent online leaves their email: a lead of their latest
/// conversation (if they have one), captured by nobody, announced to the team like any other.
pub async fn leave_email(
    state: &AppState,
    ctx: &VisitorCtx,
    email: String,
    name: Option<String>,
    message: Option<String>,
) -> Result<(), AppError> {
    let mut v = Violations::default();
    let email = validate::email(&mut v, "email", &email);
    let name = validate::optional_text(&mut v, "name", name.as_deref(), 100);
    let message = validate::optional_text(&mut v, "message", message.as_deref(), 2000);
    v.finish()?;
    let ctx2 = ctx.clone();
    state
        .transact(&ctx.tenant_id, move |conn, outbox| {
            let visitor = ensure_visitor(conn, &ctx2)?;
            let conversation =
                store::conversations::latest_of_visitor(conn, &ctx2.tenant_id, &ctx2.visitor_id)?;
            let lead = Lead {
                id: new_id(),
                tenant_id: ctx2.tenant_id.clone(),
                conversation_id: conversation.as_ref().map(|c| c.id.clone()),
                visitor_id: Some(ctx2.visitor_id.clone()),
                email,
                name: name.or(visitor.name),
                phone: visitor.phone,
                company: None,
                message,
                captured_by: None,
                created_at: now(),
            };
            store::leads::insert(conn, &lead)?;
            let conversation_id = conversation.as_ref().map(|c| c.id.as_str());
            outbox.emit(
                EventPayload::LeadCreated(lead_view(&lead)),
                conversation_id,
                None,
            );
            Ok(())
        })
        .await
}

/// A page of leads, newest first.
pub async fn list(
    state: &AppState,
    member: &Member,
    search: Option<String>,
    cursor: Option<String>,
    limit: i64,
) -> Result<Page<LeadView>, AppError> {
    member.require_section(Section::Leads)?;
    let after = validate::time_cursor(cursor.as_deref())?;
    let mut v = Violations::default();
    let search = validate::optional_text(&mut v, "q", search.as_deref(), 100);
    v.finish()?;
    let tenant = member.tenant_id.clone();
    let rows = state
        .db
        .read(move |conn| {
            let found = store::leads::page(conn, &tenant, search.as_deref(), after, limit + 1)?;
            Ok(found)
        })
        .await?;
    Ok(validate::paginate(
        rows,
        limit,
        |l| (l.created_at, l.id.clone()),
        |l| lead_view(&l),
    ))
}

/// Every lead as CSV (newest first), read in chunks so the whole table never sits in one query.
pub async fn export_csv(state: &AppState, member: &Member) -> Result<String, AppError> {
    member.require_section(Section::Leads)?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "created_at",
        "email",
        "name",
        "phone",
        "company",
        "message",
        "conversation_id",
        "captured_by",
    ];
    writer
        .write_record(header)
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut cursor = None;
    loop {
        let tenant = member.tenant_id.clone();
        let after = cursor.take();
        let rows = state
            .db
            .read(move |conn| Ok(store::leads::page(conn, &tenant, None, after, 1000)?))
            .await?;
        for l in &rows {
            let created = l
                .created_at
                .and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let cells = [
                l.id.as_str(),
                created.as_str(),
                l.email.as_str(),
                l.name.as_deref().unwrap_or(""),
                l.phone.as_deref().unwrap_or(""),
                l.company.as_deref().unwrap_or(""),
                l.message.as_deref().unwrap_or(""),
                l.conversation_id.as_deref().unwrap_or(""),
                l.captured_by.as_deref().unwrap_or(""),
            ];
            writer
                .write_record(cells.map(neutralise_formula))
                .map_err(|e| AppError::Internal(e.into()))?;
        }
        match rows.last() {
            Some(last) if rows.len() == 1000 => cursor = Some((last.created_at, last.id.clone())),
            _ => break,
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.into()))
}

/// Spreadsheets run cells starting with `=`, `+`, `-` or `@` as formulas; a visitor's text must
/// not (CSV injection). Prefixing a quote makes it plain text.
fn neutralise_formula(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise_formula;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            neutralise_formula("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralise_formula("ann@example.com"), "ann@example.com");
        assert_eq!(neutralise_formula(""), "");
    }
}
