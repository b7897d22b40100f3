//! The `/` menu of the input bar: typing `/` and a shortcut lists the workspace's quick replies
//! whose shortcut starts with what was typed; ↑/↓ move, Enter or a click inserts the reply's
//! text, Esc closes the menu.

use leptos::prelude::*;
use switchboard_types::quick_replies::QuickReplyView;

use crate::api;

/// What the menu filters on: the text after a leading `/`, while it is one word.
pub fn typed_shortcut(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('/')?;
    (!rest.contains(char::is_whitespace)).then_some(rest)
}

/// The quick replies whose shortcut starts with `typed` (case-insensitive), in order.
pub fn matching<'a>(replies: &'a [QuickReplyView], typed: &str) -> Vec<&'a QuickReplyView> {
    let typed = typed.to_lowercase();
    replies
        .iter()
        .filter(|r| {
            r.shortcut
                .trim_start_matches('/')
                .to_lowercase()
                .starts_with(&typed)
        })
        .collect()
}

/// The menu's state, owned by the input bar.
#[derive(Clone, Copy)]
pub struct QuickReplyMenu {
    /// The matches for the text typed, when the menu is open.
    pub shown: Memo<Option<Vec<QuickReplyView>>>,
    pub selected: RwSignal<usize>,
}

impl QuickReplyMenu {
    /// The menu for the input's `text`; the replies are fetched once, on the first `/`.
    pub fn new(text: RwSignal<String>) -> Self {
        let wanted = RwSignal::new(false);
        let replies = LocalResource::new(move || async move {
            if wanted.get() {
                api::quick_replies::list().await
            } else {
                Ok(Vec::new())
            }
        });
        let shown = Memo::new(move |_| {
            let typed = text.with(|t| typed_shortcut(t).map(str::to_string))?;
            if !wanted.get_untracked() {
                wanted.set(true);
            }
            let loaded = replies.get()?.ok()?;
            let found: Vec<QuickReplyView> =
                matching(&loaded, &typed).into_iter().cloned().collect();
            (!found.is_empty()).then_some(found)
        });
        let selected = RwSignal::new(0);
        Effect::new(move || {
            shown.track();
            selected.set(0);
        });
        QuickReplyMenu { shown, selected }
    }

    /// Handles a key while the menu is open; returns the reply to insert on Enter. `None` with
    /// `handled` false lets the key do what it normally does.
    pub fn key(&self, key: &str) -> (bool, Option<QuickReplyView>) {
        let Some(shown) = self.shown.get_untracked() else {
            return (false, None);
        };
        let last = shown.len() - 1;
        match key {
            "ArrowDown" => self.selected.update(|s| *s = (*s + 1).min(last)),
            "ArrowUp" => self.selected.update(|s| *s = s.saturating_sub(1)),
            "Enter" | "Tab" => return (true, shown.get(self.selected.get_untracked()).cloned()),
            _ => return (false, None),
        }
        (true, None)
    }
}

/// The list above the input.
#[component]
pub fn Menu(
    menu: QuickReplyMenu,
    insert: impl Fn(QuickReplyView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        menu.shown.get().map(|shown| {
            view! {
                <ul class="quick-replies" role="listbox" aria-label="Quick replies" data-testid="quick-replies">
                    {shown
                        .into_iter()
                        .enumerate()
                        .map(|(index, reply)| {
                            let chosen = reply.clone();
                            view! {
                                <li
                                    role="option"
                                    class="quick-reply"
                                    class:selected=move || menu.selected.get() == index
                                    aria-selected=move || (menu.selected.get() == index).to_string()
                                    data-testid="quick-reply"
                                    on:mousedown=move |event| {
                                        // Keep the focus in the input.
                                        event.prevent_default();
                                        insert(chosen.clone());
                                    }
                                >
                                    <span class="quick-reply-shortcut">"/" {reply.shortcut.trim_start_matches('/').to_string()}</span>
                                    <span class="quick-reply-title">{reply.title.clone()}</span>
                                    <span class="quick-reply-body">{reply.body.clone()}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(shortcut: &str) -> QuickReplyView {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        QuickReplyView {
            id: shortcut.into(),
            shortcut: shortcut.into(),
            title: "t".into(),
            body: "b".into(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_menu_opens_on_a_leading_slash_word_and_filters_by_prefix() {
        assert_eq!(typed_shortcut("/ship"), Some("ship"));
        assert_eq!(typed_shortcut("/"), Some(""));
        assert_eq!(typed_shortcut("/ship now"), None);
        assert_eq!(typed_shortcut("hello /ship"), None);
        let replies = [reply("shipping"), reply("refund"), reply("Ship-eu")];
        let found: Vec<&str> = matching(&replies, "SHIP")
            .iter()
            .map(|r| r.shortcut.as_str())
            .collect();
        assert_eq!(found, ["shipping", "Ship-eu"]);
    }
}
