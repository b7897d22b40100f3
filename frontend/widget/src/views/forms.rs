//! The pre-chat form and the "leave your email" form shown when no agent is online.

use leptos::prelude::*;
use switchboard_types::widget::VisitorFrame;
use switchboard_types::widget_settings::FieldRule;

use crate::chat::{Chat, Step};
use crate::i18n::Strings;

/// One answer of a form, with its error once the visitor tried to send.
#[derive(Clone, Copy)]
struct Answer {
    value: RwSignal<String>,
    error: RwSignal<Option<&'static str>>,
}

impl Answer {
    fn new() -> Self {
        Answer {
            value: RwSignal::new(String::new()),
            error: RwSignal::new(None),
        }
    }

    /// Checks the answer against its rule; `Some(value)` when given, `Err` when it must be.
    fn check(self, rule: FieldRule, email: bool, text: &Strings) -> Result<Option<String>, ()> {
        let value = self.value.get_untracked().trim().to_string();
        let error = if value.is_empty() {
            (rule == FieldRule::Required).then_some(text.required)
        } else if email && !looks_like_email(&value) {
            Some(text.invalid_email)
        } else {
            None
        };
        self.error.set(error);
        match error {
            Some(_) => Err(()),
            None => Ok((!value.is_empty()).then_some(value)),
        }
    }
}

/// What the server accepts, roughly: something@something.tld (the server has the last word).
fn looks_like_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !domain.ends_with('.')
    })
}

fn field(
    label: &'static str,
    kind: &'static str,
    rule: FieldRule,
    answer: Answer,
    text: &'static Strings,
) -> impl IntoView {
    (rule != FieldRule::Off).then(|| {
        let hint = (rule == FieldRule::Optional).then(|| format!(" ({})", text.optional));
        view! {
            <label class="field">
                <span>{label}{hint}</span>
                <input
                    type=kind
                    required=rule == FieldRule::Required
                    prop:value=move || answer.value.get()
                    on:input=move |ev| answer.value.set(event_target_value(&ev))
                    aria-invalid=move || answer.error.get().is_some().to_string()
                />
                {move || answer.error.get().map(|e| view! { <em role="alert">{e}</em> })}
            </label>
        }
    })
}

#[component]
pub fn PrechatForm(chat: Chat) -> impl IntoView {
    let text = chat.text;
    let form = chat.config.with_value(|c| c.prechat.clone());
    let (name, email, phone) = (Answer::new(), Answer::new(), Answer::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answers = (
            name.check(form.name, false, text),
            email.check(form.email, true, text),
            phone.check(form.phone, false, text),
        );
        let (Ok(name), Ok(email), Ok(phone)) = answers else {
            return;
        };
        let sent = chat.send(VisitorFrame::Prechat {
            name,
            email,
            phone,
            fields: None,
        });
        if sent {
            chat.prechat_done();
        }
    };
    view! {
        <form class="form" on:submit=submit novalidate data-testid="prechat">
            <p>{text.prechat_intro}</p>
            {field(text.name, "text", form.name, name, text)}
            {field(text.email, "email", form.email, email, text)}
            {field(text.phone, "tel", form.phone, phone, text)}
            <button type="submit" class="primary">{text.start_chat}</button>
            {move || chat.notice.get().map(|n| view! { <p class="notice" role="alert">{n}</p> })}
        </form>
    }
}

#[component]
pub fn LeaveEmail(chat: Chat) -> impl IntoView {
    let text = chat.text;
    let offline = chat.config.with_value(|c| c.offline_message.clone());
    let email = Answer::new();
    let message = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(Some(address)) = email.check(FieldRule::Required, true, text) else {
            return;
        };
        let note = message.get_untracked().trim().to_string();
        chat.send(VisitorFrame::LeaveEmail {
            email: address,
            name: None,
            message: (!note.is_empty()).then_some(note),
        });
    };
    let back = move |_| chat.step.set(Step::Chat);
    view! {
        {move || if chat.step.get() == Step::EmailSaved {
            view! {
                <div class="form done" role="status">
                    <p>{text.email_saved}</p>
                    <button type="button" class="primary" on:click=back>{text.back_to_chat}</button>
                </div>
            }.into_any()
        } else {
            view! {
                <form class="form" on:submit=submit novalidate data-testid="leave-email">
                    <p>{offline.clone()}</p>
                    {field(text.email, "email", FieldRule::Required, email, text)}
                    <label class="field">
                        <span>{text.your_message}</span>
                        <textarea rows="3" prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="submit" class="primary">{text.leave_email}</button>
                    <button type="button" class="link" on:click=back>{text.back_to_chat}</button>
                    {move || chat.notice.get().map(|n| view! { <p class="notice" role="alert">{n}</p> })}
                </form>
            }.into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_email;

    #[test]
    fn emails_are_checked_roughly() {
        assert!(looks_like_email("ana@shop.example"));
        assert!(!looks_like_email("ana@shop"));
        assert!(!looks_like_email("@shop.example"));
        assert!(!looks_like_email("ana.shop.example"));
    }
}
