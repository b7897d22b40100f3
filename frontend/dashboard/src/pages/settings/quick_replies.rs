//! Quick replies: the workspace's canned answers that agents insert with `/shortcut` in the
//! input bar. Add one, edit one in the same form, delete one (asked first).

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::quick_replies::{QuickReplyRequest, QuickReplyView};

use crate::api;
use crate::components::dialog::ConfirmDialog;
use crate::components::form::{field_error, Field, FormError, FormProblem, SubmitButton};
use crate::components::toast::use_toasts;

#[component]
pub fn QuickReplies() -> impl IntoView {
    let toasts = use_toasts();
    let replies = LocalResource::new(api::quick_replies::list);
    let shortcut = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<String>);
    let deleting = RwSignal::new(None::<QuickReplyView>);
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let clear = move || {
        editing.set(None);
        for field in [shortcut, title, body] {
            field.set(String::new());
        }
        problem.set(FormProblem::default());
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = QuickReplyRequest {
            shortcut: shortcut
                .get_untracked()
                .trim()
                .trim_start_matches('/')
                .to_string(),
            title: title.get_untracked(),
            body: body.get_untracked(),
        };
        let id = editing.get_untracked();
        set_busy.set(true);
        spawn_local(async move {
            let saved = match &id {
                Some(id) => api::quick_replies::update(id, &request).await,
                None => api::quick_replies::create(&request).await,
            };
            _ = set_busy.try_set(false);
            match saved {
                Ok(reply) => {
                    toasts.notice(format!("/{} saved.", reply.shortcut));
                    clear();
                    replies.refetch();
                }
                Err(error) => problem.set(FormProblem::from_error(&error)),
            }
        });
    };
    let edit = move |reply: QuickReplyView| {
        problem.set(FormProblem::default());
        shortcut.set(reply.shortcut);
        title.set(reply.title);
        body.set(reply.body);
        editing.set(Some(reply.id.0));
    };
    let body_error = field_error(problem, "body");
    view! {
        <section class="panel settings-card" aria-labelledby="replies-heading">
            <h2 id="replies-heading">"Quick replies"</h2>
            <p class="form-note">"Answers your team sends often. In a conversation, type / and the shortcut to insert one."</p>
            {move || match replies.get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="form-note" data-testid="no-quick-replies">"No quick replies yet: add the first one below."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="reply-list" data-testid="quick-reply-list">
                        {list.into_iter().map(|r| {
                            let (for_edit, for_delete) = (r.clone(), r.clone());
                            view! {
                                <li class="reply-item" data-testid="quick-reply-item">
                                    <div class="reply-text">
                                        <div><code class="reply-shortcut">{format!("/{}", r.shortcut)}</code>" "<strong>{r.title.clone()}</strong></div>
                                        <p class="reply-body">{r.body.clone()}</p>
                                    </div>
                                    <div class="member-actions">
                                        <button type="button" class="link-button" data-testid="edit-quick-reply" on:click=move |_| edit(for_edit.clone())>"Edit"</button>
                                        <button type="button" class="link-button danger-link" data-testid="delete-quick-reply" on:click=move |_| deleting.set(Some(for_delete.clone()))>"Delete"</button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <form class="form reply-form" data-testid="quick-reply-form" on:submit=submit novalidate>
                <h3>{move || if editing.with(Option::is_some) { "Edit quick reply" } else { "New quick reply" }}</h3>
                <FormError problem testid="quick-reply-error" />
                <div class="field-row">
                    <Field label="Shortcut" name="shortcut" input_type="text" autocomplete="off" testid="quick-reply-shortcut" value=shortcut problem hint="Letters, digits, - and _." />
                    <Field label="Title" name="title" input_type="text" autocomplete="off" testid="quick-reply-title" value=title problem />
                </div>
                <div class="field" class:invalid=move || body_error.get().is_some()>
                    <label for="quick-reply-body">"Text"</label>
                    <textarea id="quick-reply-body" rows="3" data-testid="quick-reply-body" bind:value=body></textarea>
                    {move || body_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <div class="form-buttons">
                    {move || editing.with(Option::is_some).then(|| view! { <button type="button" class="button" on:click=move |_| clear()>"Cancel"</button> })}
                    <SubmitButton label="Save quick reply" busy_label="Saving…" testid="quick-reply-save" busy />
                </div>
            </form>
            {move || deleting.get().map(|r| view! { <DeleteDialog reply=r deleting replies /> })}
        </section>
    }
}

#[component]
fn DeleteDialog(
    reply: QuickReplyView,
    deleting: RwSignal<Option<QuickReplyView>>,
    replies: LocalResource<Result<Vec<QuickReplyView>, api::ApiError>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let id = reply.id.0.clone();
    let delete = Callback::new(move |()| {
        deleting.set(None);
        let id = id.clone();
        spawn_local(async move {
            match api::quick_replies::remove(&id).await {
                Ok(()) => toasts.notice("Quick reply deleted."),
                Err(error) => toasts.error(error.message()),
            }
            replies.refetch();
        });
    });
    view! {
        <ConfirmDialog
            title=format!("Delete /{}?", reply.shortcut)
            body="Agents will no longer find it in the / menu.".to_string()
            action="Delete"
            testid="delete-quick-reply-dialog"
            confirm_testid="confirm-delete-quick-reply"
            on_close=Callback::new(move |()| deleting.set(None))
            on_confirm=delete
        />
    }
}
