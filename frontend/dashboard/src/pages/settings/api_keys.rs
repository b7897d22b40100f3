//! API keys: create one (its secret shown once, with Copy), see when each was last used,
//! revoke one (asked first; it stops working at once).

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::api_keys::ApiKeyView;

use crate::api;
use crate::components::copy_button::CopyField;
use crate::components::dialog::ConfirmDialog;
use crate::components::form::{Field, FormError, FormProblem, SubmitButton};
use crate::components::time::exact;
use crate::components::toast::use_toasts;

#[component]
pub fn ApiKeys() -> impl IntoView {
    let keys = LocalResource::new(api::settings::api_keys);
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let secret = RwSignal::new(None::<String>);
    let revoking = RwSignal::new(None::<ApiKeyView>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let label = name.get_untracked().trim().to_string();
        if label.is_empty() {
            problem.set(FormProblem::fields([(
                "name",
                "Name the key after what will use it.",
            )]));
            return;
        }
        set_busy.set(true);
        spawn_local(async move {
            let created = api::settings::create_api_key(label).await;
            _ = set_busy.try_set(false);
            match created {
                Ok(created) => {
                    problem.set(FormProblem::default());
                    name.set(String::new());
                    secret.set(Some(created.secret));
                    keys.refetch();
                }
                Err(error) => problem.set(FormProblem::from_error(&error)),
            }
        });
    };
    view! {
        <section class="panel settings-card" aria-labelledby="keys-heading">
            <h2 id="keys-heading">"API keys"</h2>
            <p class="form-note">"For your own integrations: send a key as " <code>"Authorization: Bearer <key>"</code> ". It acts for the workspace with an admin's rights."</p>
            <form class="inline-form" data-testid="api-key-form" on:submit=submit novalidate>
                <FormError problem testid="api-key-error" />
                <Field label="New key's name" name="name" input_type="text" autocomplete="off" testid="api-key-name" value=name problem />
                <SubmitButton label="Create key" busy_label="Creating…" testid="api-key-create" busy />
            </form>
            {move || secret.get().map(|s| view! { <Secret secret=s /> })}
            {move || match keys.get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="form-note">"No API keys yet."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="data-table" data-testid="api-keys">
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Key"</th><th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|k| {
                                let key = k.clone();
                                view! {
                                    <tr data-testid="api-key" class:inactive=k.revoked_at.is_some()>
                                        <td class="member-name">{k.name.clone()}</td>
                                        <td><code>{format!("{}…", k.prefix)}</code></td>
                                        <td>{exact(k.created_at)}</td>
                                        <td>{k.last_used_at.map_or("Never".to_string(), exact)}</td>
                                        <td class="member-cell-actions">
                                            {match k.revoked_at {
                                                Some(at) => view! { <span class="muted">{format!("Revoked {}", exact(at))}</span> }.into_any(),
                                                None => view! { <button type="button" class="button button-danger-ghost" data-testid="revoke-key" on:click=move |_| revoking.set(Some(key.clone()))>"Revoke"</button> }.into_any(),
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            {move || revoking.get().map(|k| view! { <RevokeDialog key=k revoking keys /> })}
        </section>
    }
}

/// The new key's secret, shown this once.
#[component]
fn Secret(secret: String) -> impl IntoView {
    view! {
        <div data-testid="api-key-secret">
            <CopyField text=secret label="Copy key" testid="copy-api-key" field_testid="api-key-value" field_label="The new API key">
                <strong>"Copy this key now:"</strong> " it is shown only once."
            </CopyField>
        </div>
    }
}

#[component]
fn RevokeDialog(
    key: ApiKeyView,
    revoking: RwSignal<Option<ApiKeyView>>,
    keys: LocalResource<Result<Vec<ApiKeyView>, api::ApiError>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let id = key.id.0.clone();
    let revoke = Callback::new(move |()| {
        revoking.set(None);
        let id = id.clone();
        spawn_local(async move {
            match api::settings::revoke_api_key(&id).await {
                Ok(()) => toasts.notice("API key revoked."),
                Err(error) => toasts.error(error.message()),
            }
            keys.refetch();
        });
    });
    view! {
        <ConfirmDialog
            title=format!("Revoke “{}”?", key.name)
            body="Anything using this key stops working at once. This cannot be undone.".to_string()
            action="Revoke"
            testid="revoke-key-dialog"
            confirm_testid="confirm-revoke-key"
            on_close=Callback::new(move |()| revoking.set(None))
            on_confirm=revoke
        />
    }
}
