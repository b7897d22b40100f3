//! `/conversations` and `/conversations/:id`: the agents' live workspace. The list on the
//! left, the open conversation's panel on the right. What is shown lives in the URL
//! (`/conversations/:id?status=needs_agent&channel=whatsapp`), so a link or a reload keeps it.

mod detail;
mod filters;
mod list;
mod live_visitors;
mod paging;
mod row;
mod shortcuts;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use switchboard_types::conversations::{Channel, Tab};

use super::set_title;
use crate::live::counts::use_live_counts;

/// What the URL says the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub tab: Tab,
    pub channel: Option<Channel>,
}

impl View {
    /// The page's URL for this view, with a conversation open or not.
    pub fn href(self, open: Option<&str>) -> String {
        let mut query = Vec::new();
        if self.tab != Tab::All {
            query.push(format!("status={}", self.tab.as_str()));
        }
        if let Some(channel) = self.channel {
            query.push(format!("channel={}", channel.as_str()));
        }
        let path = match open {
            Some(id) => format!("/conversations/{id}"),
            None => "/conversations".to_string(),
        };
        if query.is_empty() {
            path
        } else {
            format!("{path}?{}", query.join("&"))
        }
    }
}

#[component]
pub fn ConversationsPage() -> impl IntoView {
    set_title("Conversations");
    let query = use_query_map();
    let params = use_params_map();
    let view_state = Memo::new(move |_| {
        let query = query.read();
        View {
            tab: query
                .get("status")
                .and_then(|s| Tab::parse(&s))
                .unwrap_or_default(),
            channel: query.get("channel").and_then(|c| Channel::parse(&c)),
        }
    });
    let open = Memo::new(move |_| params.read().get("id"));
    // The tabs count conversations of the channel shown.
    let counts = use_live_counts();
    Effect::new(move || counts.channel.set(view_state.get().channel));
    on_cleanup(move || counts.channel.set(None));

    view! {
        <div class="conversations-page" class:panel-open=move || open.get().is_some()>
            <section class="conversation-list-pane" aria-label="Conversation list">
                <header class="conversations-header">
                    <h1 data-testid="section-title">"Conversations"</h1>
                    <div class="conversations-tools">
                        <live_visitors::LiveVisitors view=view_state />
                        <shortcuts::Shortcuts />
                        <filters::ChannelFilter view=view_state open />
                    </div>
                </header>
                <filters::Tabs view=view_state open />
                <list::ConversationList view=view_state open />
            </section>
            {move || {
                open.get()
                    .map(|id| {
                        view! { <detail::DetailPanel id=id view=view_state /> }
                    })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_carries_the_tab_the_channel_and_the_open_conversation() {
        let all = View {
            tab: Tab::All,
            channel: None,
        };
        assert_eq!(all.href(None), "/conversations");
        assert_eq!(all.href(Some("c1")), "/conversations/c1");
        let filtered = View {
            tab: Tab::NeedsAgent,
            channel: Some(Channel::Whatsapp),
        };
        assert_eq!(
            filtered.href(Some("c1")),
            "/conversations/c1?status=needs_agent&channel=whatsapp"
        );
    }
}
