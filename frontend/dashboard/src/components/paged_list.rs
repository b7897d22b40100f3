//! A list read a page at a time from a cursor API: the rows loaded so far, the next page's
//! cursor, and how loading went. Starting again (a new search or filter) drops an answer still
//! on its way for the old one.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::page::Page;

use crate::api::ApiError;

pub struct Paged<T: Send + Sync + 'static> {
    pub rows: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
    generation: StoredValue<u32>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    pub fn new() -> Self {
        Paged {
            rows: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(true),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    /// Loads the first page (`more == false`) or the next one; `fetch` gets the cursor.
    pub fn load<F, Fut>(self, more: bool, fetch: F)
    where
        F: FnOnce(Option<String>) -> Fut + 'static,
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let cursor = if more {
            self.next.get_untracked()
        } else {
            None
        };
        if !more {
            self.generation.update_value(|g| *g += 1);
        }
        let generation = self.generation.get_value();
        self.loading.set(true);
        self.error.set(None);
        spawn_local(async move {
            let page = fetch(cursor).await;
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            _ = self.loading.try_set(false);
            match page {
                Ok(page) => {
                    _ = self.rows.try_update(|rows| {
                        if !more {
                            rows.clear();
                        }
                        rows.extend(page.items);
                    });
                    _ = self.next.try_set(page.next_cursor);
                }
                Err(error) => _ = self.error.try_set(Some(error)),
            }
        });
    }

    /// Whether there is nothing to show yet because the first page is on its way.
    pub fn first_loading(self) -> bool {
        self.loading.get() && self.rows.with(Vec::is_empty)
    }
}

/// "Show more" under a paged list, while there is a next page.
#[component]
pub fn ShowMore<T: Send + Sync + 'static>(
    paged: Paged<T>,
    label: &'static str,
    testid: &'static str,
    more: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        paged.next.with(Option::is_some).then(|| {
            view! {
                <div class="load-more">
                    <button type="button" class="button" data-testid=testid disabled=move || paged.loading.get() on:click=move |_| more()>
                        {move || if paged.loading.get() { "Loading…" } else { label }}
                    </button>
                </div>
            }
        })
    }
}
