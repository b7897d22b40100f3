//! Input rules shared by every service: text lengths, emails, time zones, cursors and page sizes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use switchboard_types::page::Page;

use crate::error::{AppError, Violations};

/// Checks that `value`, trimmed, has between `min` and `max` characters (not bytes: names in
/// any script count the same) and no NUL character (PostgreSQL cannot store one in text, so it
/// would fail the write instead of getting a clear answer). Returns the trimmed text.
pub fn text(v: &mut Violations, field: &str, value: &str, min: usize, max: usize) -> String {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if trimmed.contains('\0') {
        v.add(field, "must not contain the NUL character");
    } else if chars < min {
        v.add(
            field,
            if min == 1 {
                "is required".to_string()
            } else {
                format!("must be at least {min} characters")
            },
        );
    } else if chars > max {
        v.add(field, format!("must be at most {max} characters"));
    }
    trimmed.to_string()
}

/// Like [`text`] for optional fields: absent or blank is fine, and comes back as `None`.
pub fn optional_text(
    v: &mut Violations,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let value = value.map(str::trim).filter(|s| !s.is_empty())?;
    Some(text(v, field, value, 1, max))
}

/// Checks and normalises an email address (trimmed, lower-cased).
pub fn email(v: &mut Violations, field: &str, value: &str) -> String {
    let normalised = value.trim().to_lowercase();
    if !is_email(&normalised) {
        v.add(field, "must be a valid email address");
    }
    normalised
}

fn is_email(value: &str) -> bool {
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// Passwords: 10 to 200 characters.
pub fn password(v: &mut Violations, field: &str, value: &str) {
    let chars = value.chars().count();
    if chars < 10 {
        v.add(field, "must be at least 10 characters");
    } else if chars > 200 {
        v.add(field, "must be at most 200 characters");
    }
}

/// Checks an IANA time zone name.
pub fn time_zone(v: &mut Violations, field: &str, value: &str) -> String {
    let value = value.trim();
    if value.parse::<chrono_tz::Tz>().is_err() {
        v.add(field, "must be an IANA time zone such as Europe/Paris");
    }
    value.to_string()
}

/// A page size: 1-100, default 50.
pub fn limit(value: Option<i64>) -> Result<i64, AppError> {
    match value {
        None => Ok(50),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(_) => Err(AppError::invalid_field(
            "limit",
            "must be between 1 and 100",
        )),
    }
}

/// Encodes a `(time, id)` keyset position as an opaque cursor.
pub fn encode_time_cursor(at: NaiveDateTime, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.and_utc().timestamp_micros()))
}

/// Where a list page starts: after the cursor's position, or at the top for no cursor or an
/// empty one (`?cursor=`, as a client that fills in "the previous `next_cursor`" sends first).
pub fn time_cursor(cursor: Option<&str>) -> Result<Option<(NaiveDateTime, String)>, AppError> {
    cursor
        .filter(|c| !c.is_empty())
        .map(decode_time_cursor)
        .transpose()
}

/// Decodes a cursor made by [`encode_time_cursor`]; 422 on anything else.
pub fn decode_time_cursor(cursor: &str) -> Result<(NaiveDateTime, String), AppError> {
    let bad = || AppError::invalid_field("cursor", "is not a cursor this list returned");
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let (micros, id) = raw.split_once('|').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let at = chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(bad)?
        .naive_utc();
    Ok((at, id.to_string()))
}

/// Turns `limit + 1` fetched rows into a page: the extra row only tells that a next page exists.
pub fn paginate<R, T>(
    mut rows: Vec<R>,
    limit: i64,
    key: impl Fn(&R) -> (NaiveDateTime, String),
    to_item: impl Fn(R) -> T,
) -> Page<T> {
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if has_more {
        rows.last().map(|r| {
            let (at, id) = key(r);
            encode_time_cursor(at, &id)
        })
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(to_item).collect(),
        next_cursor,
    }
}

/// Whether JSON text holds a NUL character in a string. JSON can only write it escaped
/// (`\u0000`; a raw NUL byte is a syntax error), and an escape starts with a backslash that is
/// not itself escaped, i.e. preceded by an even number of backslashes.
pub fn json_holds_nul(json: &[u8]) -> bool {
    json.windows(6).enumerate().any(|(at, window)| {
        window == b"\\u0000"
            && json[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_but_an_escaped_backslash_before_u0000_is_text() {
        assert!(json_holds_nul(br#"{"email":"a\u0000b"}"#));
        assert!(
            json_holds_nul(br#"{"e":"x\\\u0000"}"#),
            "\\\\ then the escape"
        );
        assert!(
            !json_holds_nul(br#"{"email":"a\\u0000b"}"#),
            "a backslash, then text"
        );
        assert!(!json_holds_nul(br#"{"email":"u0000"}"#));
    }

    #[test]
    fn text_counts_characters_not_bytes() {
        let mut v = Violations::default();
        assert_eq!(text(&mut v, "name", "  Zoë 日本  ", 1, 6), "Zoë 日本");
        assert!(v.is_empty());
        text(&mut v, "name", "日本語日本語日", 1, 6);
        text(&mut v, "other", "   ", 1, 6);
        assert_eq!(
            v.finish().unwrap_err().body().error.details["fields"]["other"],
            "is required"
        );
    }

    #[test]
    fn text_refuses_the_nul_character() {
        let mut v = Violations::default();
        text(&mut v, "text", "a\0b", 1, 10);
        assert_eq!(
            v.finish().unwrap_err().body().error.details["fields"]["text"],
            "must not contain the NUL character"
        );
    }

    #[test]
    fn emails() {
        for good in [
            "a@b.co",
            "Ann.Lee+x@Example.COM",
            "o'brien@mail.example.org",
        ] {
            let mut v = Violations::default();
            email(&mut v, "email", good);
            assert!(v.is_empty(), "{good}");
        }
        for bad in [
            "", "a", "a@b", "a@@b.co", "a b@c.co", "@b.co", "a@.b.co", "a@b..co", "a@b.co.",
        ] {
            let mut v = Violations::default();
            email(&mut v, "email", bad);
            assert!(!v.is_empty(), "{bad}");
        }
        let mut v = Violations::default();
        assert_eq!(
            email(&mut v, "email", " Ann@Example.com "),
            "ann@example.com"
        );
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = crate::clock::now();
        let cursor = encode_time_cursor(at, "0190-id");
        assert_eq!(
            decode_time_cursor(&cursor).unwrap(),
            (at, "0190-id".to_string())
        );
        assert!(decode_time_cursor("%%%").is_err());
        assert!(decode_time_cursor(&URL_SAFE_NO_PAD.encode("x|y")).is_err());
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None).unwrap(), 50);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
    }

    #[test]
    fn time_zones() {
        let mut v = Violations::default();
        time_zone(&mut v, "tz", "Asia/Kolkata");
        assert!(v.is_empty());
        time_zone(&mut v, "tz", "Mars/Olympus");
        assert!(!v.is_empty());
    }
}
