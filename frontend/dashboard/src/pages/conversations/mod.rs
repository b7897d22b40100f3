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
use switchboard_types::conversations::{AssigneeFilter, Channel, ConversationRow, Tab};

use super::set_title;
use crate::live::counts::use_live_counts;

/// What the URL says the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub tab: Tab,
    pub channel: Option<Channel>,
    /// Only the member's own conversations, or only those nobody holds.
    pub assignee: Option<AssigneeFilter>,
}

impl View {
    /// Whether the server would list `row` in this view; `me` is the signed-in member's id.
    pub fn lists(self, row: &ConversationRow, me: &str) -> bool {
        let holder = row.assignee.as_ref().map(|a| a.id.as_str());
        let held = match self.assignee {
            None => true,
            Some(AssigneeFilter::Me) => holder == Some(me),
            Some(AssigneeFilter::None) => holder.is_none(),
        };
        row::on_tab(row, self.tab) && self.channel.is_none_or(|c| c == row.channel) && held
    }

    /// The page's URL for this view, with a conversation open or not.
    pub fn href(self, open: Option<&str>) -> String {
        let mut query = Vec::new();
        if self.tab != Tab::All {
            query.push(format!("status={}", self.tab.as_str()));
        }
        if let Some(channel) = self.channel {
            query.push(format!("channel={}", channel.as_str()));
        }
        if let Some(assignee) = self.assignee {
            query.push(format!("assignee={}", assignee.as_str()));
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
            assignee: query
                .get("assignee")
                .and_then(|a| AssigneeFilter::parse(&a)),
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
                <filters::AssigneeChip view=view_state open />
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
            assignee: None,
        };
        assert_eq!(all.href(None), "/conversations");
        assert_eq!(all.href(Some("c1")), "/conversations/c1");
        let filtered = View {
            tab: Tab::NeedsAgent,
            channel: Some(Channel::Whatsapp),
            assignee: Some(AssigneeFilter::Me),
        };
        assert_eq!(
            filtered.href(Some("c1")),
            "/conversations/c1?status=needs_agent&channel=whatsapp&assignee=me"
        );
    }
}
