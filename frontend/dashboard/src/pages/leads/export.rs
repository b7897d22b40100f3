//! Export CSV: every lead, from the API's `text/csv`, saved as `leads-YYYY-MM-DD.csv`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::toast::use_toasts;

#[component]
pub fn ExportButton() -> impl IntoView {
    let toasts = use_toasts();
    let (busy, set_busy) = signal(false);
    let export = move |_| {
        set_busy.set(true);
        spawn_local(async move {
            let csv = api::leads::export_csv().await;
            _ = set_busy.try_set(false);
            match csv {
                Ok(csv) => {
                    if save(&csv, &file_name()).is_err() {
                        toasts.error("Your browser did not let us save the file.");
                    }
                }
                Err(error) => toasts.error(format!(
                    "We couldn't export your leads: {}",
                    error.message()
                )),
            }
        });
    };
    view! {
        <button type="button" class="button" data-testid="leads-export" disabled=busy on:click=export>
            {move || if busy.get() { "Exporting…" } else { "Export CSV" }}
        </button>
    }
}

/// `leads-2026-12-04.csv`, today in the member's time zone.
fn file_name() -> String {
    let today = js_sys::Date::new_0();
    format!(
        "leads-{:04}-{:02}-{:02}.csv",
        today.get_full_year(),
        today.get_month() + 1,
        today.get_date()
    )
}

/// Hands `csv` to the browser as a download named `name`.
fn save(csv: &str, name: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&csv.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url)
}
