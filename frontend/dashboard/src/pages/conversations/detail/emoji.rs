//! The input bar's emoji picker: a searchable grid of common emoji. The search field takes the
//! focus; ↓ moves into the grid, the arrows move in it, Enter or a click inserts, Esc closes.
//! A short list of our own keeps an emoji database out of the bundle.

use leptos::html;
use leptos::prelude::*;

/// Emoji and the words they are found by.
const EMOJI: [(&str, &str); 48] = [
    ("😀", "grin smile happy"),
    ("😊", "smile blush happy"),
    ("😂", "joy laugh tears"),
    ("🙂", "slight smile"),
    ("😉", "wink"),
    ("😍", "love heart eyes"),
    ("🤔", "thinking hmm"),
    ("😅", "sweat relief"),
    ("😢", "cry sad"),
    ("😮", "wow surprised"),
    ("😎", "cool sunglasses"),
    ("🙃", "upside down silly"),
    ("👍", "thumbs up yes ok like"),
    ("👎", "thumbs down no"),
    ("👏", "clap applause"),
    ("🙏", "thanks please pray"),
    ("👋", "wave hello hi bye"),
    ("🤝", "handshake deal"),
    ("💪", "strong muscle"),
    ("👌", "ok perfect"),
    ("✌️", "peace victory"),
    ("🙌", "celebrate hooray"),
    ("👀", "eyes look"),
    ("🤷", "shrug dunno"),
    ("❤️", "heart love red"),
    ("💙", "heart blue"),
    ("💚", "heart green"),
    ("🔥", "fire hot"),
    ("✨", "sparkles new"),
    ("🎉", "party tada celebrate"),
    ("🎁", "gift present"),
    ("⭐", "star"),
    ("✅", "check done yes"),
    ("❌", "cross no wrong"),
    ("⚠️", "warning caution"),
    ("❓", "question"),
    ("💡", "idea bulb tip"),
    ("📦", "package order shipping box"),
    ("🚚", "truck delivery shipping"),
    ("📅", "calendar date booking"),
    ("⏰", "alarm clock time"),
    ("📞", "phone call"),
    ("📧", "email mail"),
    ("💳", "card payment credit"),
    ("💰", "money bag price"),
    ("🛒", "cart shop buy"),
    ("🔒", "lock secure password"),
    ("☕", "coffee break"),
];

/// Emoji shown per row of the grid (the arrows move by this much up and down).
const COLUMNS: usize = 8;

/// The emoji whose words start with any word of `query` (all of them for an empty query).
pub fn search(query: &str) -> Vec<&'static str> {
    let query = query.trim().to_lowercase();
    EMOJI
        .iter()
        .filter(|(_, words)| {
            query.is_empty() || words.split(' ').any(|w| w.starts_with(query.as_str()))
        })
        .map(|(emoji, _)| *emoji)
        .collect()
}

/// Where an arrow key moves in a grid of `len` emoji.
fn step(at: usize, key: &str, len: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    Some(match key {
        "ArrowRight" => (at + 1).min(last),
        "ArrowLeft" => at.saturating_sub(1),
        "ArrowDown" => (at + COLUMNS).min(last),
        "ArrowUp" => at.checked_sub(COLUMNS)?,
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
}

#[component]
pub fn EmojiPicker(on_pick: Callback<&'static str>, disabled: Signal<bool>) -> impl IntoView {
    let open = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let at = RwSignal::new(None::<usize>);
    let found = Memo::new(move |_| query.with(|q| search(q)));
    let grid = NodeRef::<html::Div>::new();
    let search_input = NodeRef::<html::Input>::new();
    let close = move || {
        open.set(false);
        query.set(String::new());
        at.set(None);
    };
    let pick = move |emoji: &'static str| {
        on_pick.run(emoji);
        close();
    };
    let focus_cell = move |index: usize| {
        at.set(Some(index));
        request_animation_frame(move || {
            let cell = grid
                .try_get_untracked()
                .flatten()
                .and_then(|g| g.query_selector(&format!("[data-index=\"{index}\"]")).ok())
                .flatten();
            if let Some(cell) =
                cell.and_then(|c| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(c).ok())
            {
                _ = cell.focus();
            }
        });
    };
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let key = event.key();
        let len = found.with_untracked(Vec::len);
        match (key.as_str(), at.get_untracked()) {
            ("Escape", _) => {
                event.prevent_default();
                event.stop_propagation();
                close();
            }
            ("ArrowDown" | "Enter", None) if len > 0 => {
                event.prevent_default();
                if key == "Enter" {
                    pick(found.with_untracked(|f| f[0]));
                } else {
                    focus_cell(0);
                }
            }
            ("Enter", Some(i)) => {
                event.prevent_default();
                if let Some(emoji) = found.with_untracked(|f| f.get(i).copied()) {
                    pick(emoji);
                }
            }
            (_, Some(i)) => match step(i, &key, len) {
                Some(next) => {
                    event.prevent_default();
                    focus_cell(next);
                }
                None if key == "ArrowUp" => {
                    event.prevent_default();
                    at.set(None);
                    if let Some(input) = search_input.get_untracked() {
                        _ = input.focus();
                    }
                }
                None => {}
            },
            _ => {}
        }
    };
    view! {
        <div class="emoji-picker" on:keydown=on_keydown>
            <button
                type="button"
                class="icon-button composer-tool"
                aria-label="Emoji"
                aria-expanded=move || open.get().to_string()
                data-testid="emoji-button"
                disabled=disabled
                on:click=move |_| if open.get_untracked() { close() } else { open.set(true) }
            >
                "😊"
            </button>
            {move || open.get().then(|| view! {
                <div class="emoji-popover" role="dialog" aria-label="Emoji" data-testid="emoji-picker">
                    <input
                        type="search"
                        class="emoji-search"
                        placeholder="Search emoji"
                        aria-label="Search emoji"
                        data-testid="emoji-search"
                        node_ref=search_input
                        autofocus
                        prop:value=move || query.get()
                        on:input=move |e| {
                            query.set(event_target_value(&e));
                            at.set(None);
                        }
                    />
                    <div class="emoji-grid" role="grid" node_ref=grid>
                        {move || {
                            let list = found.get();
                            if list.is_empty() {
                                return view! { <p class="emoji-none">"No emoji found"</p> }.into_any();
                            }
                            list.into_iter()
                                .enumerate()
                                .map(|(i, emoji)| view! {
                                    <button
                                        type="button"
                                        class="emoji-cell"
                                        role="gridcell"
                                        data-index=i
                                        data-testid="emoji"
                                        tabindex=move || if at.get() == Some(i) { "0" } else { "-1" }
                                        aria-selected=move || (at.get() == Some(i)).to_string()
                                        on:click=move |_| pick(emoji)
                                    >
                                        {emoji}
                                    </button>
                                })
                                .collect_view()
                                .into_any()
                        }}
                    </div>
                </div>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_matches_word_starts() {
        assert_eq!(search("").len(), EMOJI.len());
        assert_eq!(search("thumbs"), vec!["👍", "👎"]);
        assert_eq!(search("Ship"), vec!["📦", "🚚"]);
        assert!(search("zebra").is_empty());
    }

    #[test]
    fn arrows_move_in_rows_of_eight_and_stop_at_the_edges() {
        assert_eq!(step(0, "ArrowRight", 20), Some(1));
        assert_eq!(step(0, "ArrowLeft", 20), Some(0));
        assert_eq!(step(3, "ArrowDown", 20), Some(11));
        assert_eq!(step(15, "ArrowDown", 20), Some(19));
        assert_eq!(
            step(3, "ArrowUp", 20),
            None,
            "up from the first row goes back to the search"
        );
        assert_eq!(step(5, "End", 20), Some(19));
        assert_eq!(step(0, "a", 20), None);
    }
}
