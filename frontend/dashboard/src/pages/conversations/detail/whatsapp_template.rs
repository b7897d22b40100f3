//! After WhatsApp's 24-hour window closes, free text is refused: the input bar offers the
//! business's approved templates instead, with a field per parameter and the text the customer
//! will get.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::conversations::Channel;
use switchboard_types::whatsapp::{SendTemplateRequest, WhatsappTemplate};

use super::composer::client_message_id;
use super::thread::ThreadState;
use super::OpenConversation;
use crate::api;
use crate::components::time;

/// Whether the open conversation is on WhatsApp with its window closed (checked every 30 s).
pub fn window_closed(open: OpenConversation) -> Memo<bool> {
    let now = time::ticking_now(std::time::Duration::from_secs(30));
    Memo::new(move |_| {
        open.detail.with(|d| {
            d.as_ref().is_some_and(|d| {
                d.conversation.channel == Channel::Whatsapp
                    && d.whatsapp_window_ends_at
                        .is_none_or(|ends| ends <= now.get())
            })
        })
    })
}

#[component]
pub fn TemplateSender() -> impl IntoView {
    let open = expect_context::<OpenConversation>();
    let state = expect_context::<ThreadState>();
    let templates = LocalResource::new(api::whatsapp::templates);
    let chosen = RwSignal::new(None::<WhatsappTemplate>);
    let params = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let (busy, set_busy) = signal(false);
    let choose = move |index: String| {
        let picked = templates.with_untracked(|t| {
            t.as_ref().and_then(|r| r.as_ref().ok()).and_then(|t| {
                index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| approved(&t.templates).get(i).cloned())
            })
        });
        params.set(vec![
            String::new();
            picked.as_ref().map_or(0, |t| t.parameter_count)
        ]);
        chosen.set(picked);
    };
    let preview = move || chosen.with(|t| t.as_ref().map(|t| filled(&t.body, &params.get())));
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(template) = chosen.get_untracked() else {
            return;
        };
        let request = SendTemplateRequest {
            client_message_id: client_message_id(),
            name: template.name,
            language: template.language,
            parameters: params.get_untracked(),
        };
        set_busy.set(true);
        spawn_local(async move {
            let Some(id) = open.id.try_get_value() else {
                return;
            };
            let outcome = api::whatsapp::send_template(&id, &request).await;
            _ = set_busy.try_set(false);
            match outcome {
                Ok(message) => {
                    state.add(message);
                    _ = chosen.try_set(None);
                    _ = error.try_set(None);
                }
                Err(e) => _ = error.try_set(Some(e.message())),
            }
        });
    };
    view! {
        <form class="template-sender" data-testid="template-sender" on:submit=send>
            <p class="template-note">
                "The 24-hour window has closed: until the customer writes again, WhatsApp delivers only an approved template."
            </p>
            <div class="template-row">
                {move || match templates.get() {
                    None => view! { <p class="form-note" role="status">"Loading templates…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message()}</p> }.into_any(),
                    Some(Ok(list)) if approved(&list.templates).is_empty() => view! {
                        <p class="form-note">"No approved templates yet: create one in Meta's WhatsApp Manager."</p>
                    }.into_any(),
                    Some(Ok(list)) => view! {
                        <label class="visually-hidden" for="template-pick">"Template"</label>
                        <select id="template-pick" data-testid="template-pick" on:change=move |e| choose(event_target_value(&e))>
                            <option value="">"Choose a template…"</option>
                            {approved(&list.templates).into_iter().enumerate().map(|(i, t)| view! {
                                <option value=i.to_string()>{format!("{} ({})", t.name, t.language)}</option>
                            }).collect_view()}
                        </select>
                    }.into_any(),
                }}
                {move || chosen.get().map(|t| (0..t.parameter_count).map(|i| view! {
                    <input type="text" class="template-param" data-testid="template-param" aria-label=format!("Parameter {}", i + 1)
                        placeholder=format!("{{{{{}}}}}", i + 1)
                        on:input=move |e| params.update(|p| p[i] = event_target_value(&e)) />
                }).collect_view())}
            </div>
            {move || chosen.get().map(|_| view! {
                <div class="template-send">
                    <p class="template-preview" data-testid="template-preview">{preview}</p>
                    <button type="submit" class="button button-primary" data-testid="send-template"
                        disabled=move || busy.get() || params.with(|p| p.iter().any(|v| v.trim().is_empty()))>
                        {move || if busy.get() { "Sending…" } else { "Send template" }}
                    </button>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

fn approved(all: &[WhatsappTemplate]) -> Vec<WhatsappTemplate> {
    all.iter()
        .filter(|t| t.status == "APPROVED")
        .cloned()
        .collect()
}

/// The body with `{{n}}` replaced by the n-th parameter (blank ones left as placeholders).
fn filled(body: &str, params: &[String]) -> String {
    params
        .iter()
        .enumerate()
        .fold(body.to_string(), |text, (i, p)| {
            if p.trim().is_empty() {
                text
            } else {
                text.replace(&format!("{{{{{}}}}}", i + 1), p.trim())
            }
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameters_fill_their_placeholders() {
        let params = vec!["Ada".to_string(), String::new()];
        assert_eq!(
            super::filled("Hi {{1}}, order {{2}}", &params),
            "Hi Ada, order {{2}}"
        );
    }
}
