//! A button for one of several actions that share a busy state: all are disabled while any
//! runs, and the running one says what it is doing ("Joining…").

use leptos::prelude::*;

/// `what` names the action; `busy` holds the one running, if any.
#[component]
pub fn ActionButton<T, F>(
    what: T,
    class: &'static str,
    testid: &'static str,
    idle: &'static str,
    doing: &'static str,
    busy: RwSignal<Option<T>>,
    run: F,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
    F: Fn(T) + Copy + 'static,
{
    view! {
        <button
            type="button"
            class=class
            data-testid=testid
            disabled=move || busy.with(Option::is_some)
            aria-busy=move || (busy.get() == Some(what)).then_some("true")
            on:click=move |_| run(what)
        >
            {move || if busy.get() == Some(what) { doing } else { idle }}
        </button>
    }
}
