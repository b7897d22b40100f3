//! Where a keyset-paged read stands (the conversation list, a thread's older messages): the
//! next page's cursor, whether a page is on its way, and whether the first one has arrived.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Paging {
    cursor: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    loaded: RwSignal<bool>,
}

impl Paging {
    pub fn new() -> Self {
        Paging {
            cursor: RwSignal::new(None),
            loading: RwSignal::new(false),
            loaded: RwSignal::new(false),
        }
    }

    /// Back to before the first page.
    pub fn reset(self) {
        self.cursor.set(None);
        self.loading.set(false);
        self.loaded.set(false);
    }

    /// Starts fetching the next page and returns its cursor (`None` for the first page);
    /// `None` when a page is already on its way or the last one has arrived.
    pub fn start(self) -> Option<Option<String>> {
        if self.loading.get_untracked()
            || (self.loaded.get_untracked() && !self.has_more_untracked())
        {
            return None;
        }
        self.loading.set(true);
        Some(self.cursor.get_untracked())
    }

    /// A page arrived, with the cursor of the one after it. `try_`: the view may be gone.
    pub fn arrived(self, next: Option<String>) {
        _ = self.cursor.try_set(next);
        _ = self.loading.try_set(false);
        _ = self.loaded.try_set(true);
    }

    /// The page did not arrive; the next `start` asks for it again.
    pub fn failed(self) {
        _ = self.loading.try_set(false);
    }

    pub fn loading(self) -> bool {
        self.loading.get()
    }

    pub fn loaded(self) -> bool {
        self.loaded.get()
    }

    pub fn loaded_untracked(self) -> bool {
        self.loaded.get_untracked()
    }

    pub fn has_more(self) -> bool {
        self.cursor.with(Option::is_some)
    }

    pub fn has_more_untracked(self) -> bool {
        self.cursor.with_untracked(Option::is_some)
    }
}
