//! The agents' copilot: replies suggested for a conversation. For now they are the workspace's
//! quick replies that share the most words with the customer's latest message; the AI agent
//! will add suggestions of its own beside them.

use std::collections::BTreeSet;

use switchboard_types::conversations::{Suggestion, SuggestionSource, SuggestionsView};
use switchboard_types::Section;

use super::member::Member;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, quick_replies::QuickReply};

/// At most this many suggestions: the panel shows them as a short row of chips.
pub const MAX_SUGGESTIONS: usize = 3;

/// Quick replies read per request. A workspace keeps tens of them; the cap only bounds the
/// work if one ever keeps far more (the `/` menu's full list has the same bound).
const MAX_CANDIDATES: i64 = 500;

/// Words shorter than this say little about what the customer wants ("hi", "ok", "to").
const MIN_WORD_CHARS: usize = 3;

/// Common English words of three letters or more: nearly every message and reply has some, so
/// a match on them would rank replies by chance rather than by topic.
const STOP_WORDS: &[&str] = &[
    "about", "after", "again", "all", "also", "and", "any", "are", "because", "been", "before",
    "being", "but", "can", "could", "did", "does", "doing", "for", "from", "get", "got", "had",
    "has", "have", "hello", "her", "here", "hey", "him", "his", "how", "into", "its", "just",
    "may", "might", "more", "much", "not", "now", "off", "one", "only", "our", "out", "please",
    "she", "should", "some", "than", "thank", "thanks", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "too", "very", "want", "was", "were", "what",
    "when", "where", "which", "while", "who", "why", "will", "with", "would", "yes", "you", "your",
];

/// The suggestions for conversation `id`: 404 unless it is the member's workspace's.
pub async fn suggest(
    state: &AppState,
    member: &Member,
    id: String,
) -> Result<SuggestionsView, AppError> {
    member.require_section(Section::Conversations)?;
    let tenant = member.tenant_id.clone();
    state
        .db
        .read(move |conn| {
            store::conversations::find(conn, &tenant, &id)?
                .ok_or(AppError::NotFound("Conversation"))?;
            let Some(message) = store::messages::latest_customer_text(conn, &tenant, &id)? else {
                return Ok(SuggestionsView {
                    suggestions: Vec::new(),
                    based_on: None,
                });
            };
            let query = tokenize(message.body.as_deref().unwrap_or_default());
            // Nothing to match on: skip reading the replies.
            let replies = if query.is_empty() {
                Vec::new()
            } else {
                store::quick_replies::list(conn, &tenant, None, MAX_CANDIDATES)?
            };
            Ok(SuggestionsView {
                suggestions: rank(&query, &replies),
                based_on: Some(message.id.into()),
            })
        })
        .await
}

/// The distinct words of `text` that can tell one topic from another: runs of letters and
/// digits, lowercased, without short words and stop words. A set, so a word repeated in the
/// message or in a reply counts once.
pub fn tokenize(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= MIN_WORD_CHARS)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(singular)
        .collect()
}

/// "orders" and "order" are one word to a customer: a plural's final `s` is dropped (not a
/// double one, as in "address"). Message and replies are folded alike, so a word folded oddly
/// ("status" to "statu") still matches itself.
fn singular(word: String) -> String {
    match word.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= MIN_WORD_CHARS && !stem.ends_with('s') => {
            stem.to_string()
        }
        _ => word,
    }
}

/// The words a quick reply can be found by: its shortcut (`refund_policy` gives "refund" and
/// "policy"), its title and its body.
fn reply_words(reply: &QuickReply) -> BTreeSet<String> {
    let mut words = tokenize(&reply.shortcut);
    words.extend(tokenize(&reply.title));
    words.extend(tokenize(&reply.body));
    words
}

/// The replies sharing at least one word with `query`, best first, at most
/// [`MAX_SUGGESTIONS`]. More shared words first; on a tie the shorter body, then the shorter
/// title (the shorter reply is the more specific, and quicker to read), then the shortcut,
/// unique in a workspace, so the order never depends on how the rows were read.
pub fn rank(query: &BTreeSet<String>, replies: &[QuickReply]) -> Vec<Suggestion> {
    let mut scored: Vec<(usize, &QuickReply)> = replies
        .iter()
        .map(|r| (reply_words(r).intersection(query).count(), r))
        .filter(|(shared, _)| *shared > 0)
        .collect();
    scored.sort_by_key(|(shared, r)| {
        (
            std::cmp::Reverse(*shared),
            r.body.chars().count(),
            r.title.chars().count(),
            r.shortcut.as_str(),
        )
    });
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(shared, r)| suggestion(r, score(shared, query.len())))
        .collect()
}

/// The share of the message's words the reply has: 1 when it has them all.
fn score(shared: usize, query_words: usize) -> f32 {
    if query_words == 0 {
        return 0.0;
    }
    shared as f32 / query_words as f32
}

fn suggestion(reply: &QuickReply, score: f32) -> Suggestion {
    Suggestion {
        text: reply.body.clone(),
        source: SuggestionSource::QuickReply,
        quick_reply_id: Some(reply.id.clone().into()),
        title: Some(reply.title.clone()),
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(shortcut: &str, title: &str, body: &str) -> QuickReply {
        let at = chrono::DateTime::UNIX_EPOCH.naive_utc();
        QuickReply {
            id: format!("id-{shortcut}"),
            tenant_id: "tenant".into(),
            shortcut: shortcut.into(),
            title: title.into(),
            body: body.into(),
            created_by: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn words(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    fn shortcuts(suggestions: &[Suggestion]) -> Vec<String> {
        suggestions
            .iter()
            .map(|s| s.quick_reply_id.clone().unwrap().0.replace("id-", ""))
            .collect()
    }

    #[test]
    fn tokenize_lowercases_splits_on_punctuation_and_dedups() {
        assert_eq!(
            tokenize("Refund? REFUND!! order#123, e-mail"),
            words(&["123", "mail", "order", "refund"])
        );
    }

    #[test]
    fn tokenize_drops_short_words_and_stop_words() {
        assert_eq!(
            tokenize("Hi, how do I get my money back to me? Thanks"),
            words(&["back", "money"])
        );
        assert!(tokenize("ok, hi! to be or not").is_empty());
        assert!(tokenize("").is_empty());
    }

    #[test]
    fn tokenize_keeps_letters_of_any_script_and_digits() {
        assert_eq!(
            tokenize("Überweisung café 2024"),
            words(&["2024", "café", "überweisung"])
        );
    }

    #[test]
    fn plurals_match_their_singular() {
        assert_eq!(tokenize("Where are my orders?"), tokenize("your order"));
        assert_eq!(tokenize("address gas"), words(&["address", "gas"]));
    }

    #[test]
    fn tokenize_splits_shortcuts_on_underscore_and_dash() {
        assert_eq!(
            tokenize("refund_policy opening-hours"),
            words(&["hour", "opening", "policy", "refund"])
        );
    }

    #[test]
    fn rank_orders_by_shared_words_and_caps_at_three() {
        let replies = [
            reply("hours", "Opening hours", "We are open 9 to 5."),
            reply(
                "refund",
                "Refunds",
                "Refunds take 5 days to reach your card.",
            ),
            reply(
                "refund_order",
                "Refund an order",
                "Send the order number for a refund.",
            ),
            reply("shipping", "Shipping", "Orders ship within a day."),
            reply(
                "card",
                "Card refund",
                "Card refunds for an order take a week.",
            ),
        ];
        let query = tokenize("I want a refund for my order, charged on my card");
        let ranked = rank(&query, &replies);
        // card: refund, order, card (3); refund_order: refund, order (2, a 35-character body);
        // refund: refund, card (2, 39 characters); shipping ("orders") and hours: none shared.
        assert_eq!(shortcuts(&ranked), ["card", "refund_order", "refund"]);
        assert_eq!(ranked[0].text, "Card refunds for an order take a week.");
        assert_eq!(ranked[0].title.as_deref(), Some("Card refund"));
        assert_eq!(ranked[0].source, SuggestionSource::QuickReply);
        assert_eq!(query.len(), 4, "{query:?}");
        assert_eq!(ranked[0].score, 0.75);
        assert_eq!(ranked[1].score, 0.5);
    }

    #[test]
    fn rank_breaks_ties_by_shorter_body_then_title_then_shortcut() {
        let replies = [
            reply(
                "long",
                "Delivery",
                "Your delivery arrives within three days.",
            ),
            reply("short_title_b", "Delivery", "Delivery takes days."),
            reply("longer_title", "Delivery times", "Delivery takes days."),
            reply("short_title_a", "Delivery", "Delivery takes days."),
        ];
        let ranked = rank(&tokenize("delivery"), &replies);
        assert_eq!(
            shortcuts(&ranked),
            ["short_title_a", "short_title_b", "longer_title"]
        );
    }

    #[test]
    fn rank_counts_a_word_once_however_often_it_appears() {
        let replies = [
            reply("echo", "Refund refund", "Refund refund refund refund."),
            reply(
                "both",
                "Order refund",
                "Refunds for an order, see the refund page.",
            ),
        ];
        let ranked = rank(&tokenize("refund order"), &replies);
        assert_eq!(shortcuts(&ranked), ["both", "echo"]);
        assert_eq!(ranked[0].score, 1.0);
        assert_eq!(ranked[1].score, 0.5);
    }

    #[test]
    fn rank_leaves_out_replies_without_shared_words() {
        let replies = [reply("hours", "Opening hours", "We are open 9 to 5.")];
        assert!(rank(&tokenize("where is my parcel"), &replies).is_empty());
        assert!(rank(&BTreeSet::new(), &replies).is_empty());
        assert!(rank(&tokenize("parcel"), &[]).is_empty());
    }
}
