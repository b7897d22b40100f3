//! The WhatsApp card: connect the business's number (ids and secrets, secrets shown only by
//! their last four characters), the webhook URL to paste into Meta's app settings, the health
//! line, a test message, and disconnecting after a confirmation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use switchboard_types::whatsapp::{WhatsappConnector, WhatsappConnectorRequest};

use crate::api::{self, ApiError};
use crate::components::copy_button::CopyField;
use crate::components::dialog::ConfirmDialog;
use crate::components::form::{Field, FormError, FormProblem, SubmitButton};
use crate::components::time::exact;
use crate::components::toast::use_toasts;

type Connector = LocalResource<Result<Option<WhatsappConnector>, ApiError>>;

#[component]
pub fn WhatsappCard() -> impl IntoView {
    let connector: Connector = LocalResource::new(api::whatsapp::connector);
    view! {
        <section class="connector" aria-labelledby="whatsapp-heading" data-testid="whatsapp-connector">
            <div class="connector-main panel">
                <div class="connector-head">
                    <h2 id="whatsapp-heading">"WhatsApp"</h2>
                    <p class="form-note">
                        "Connect your WhatsApp Business number from Meta's WhatsApp Cloud API: customers' messages become conversations here, and your replies go back to their WhatsApp."
                    </p>
                </div>
                {move || match connector.get() {
                    None => view! { <p class="loading-note" role="status"><span class="spinner" aria-hidden="true"></span>"Loading…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
                    Some(Ok(current)) => view! { <ConnectForm current connector /> }.into_any(),
                }}
            </div>
            <aside class="connector-side">
                {move || match connector.get() {
                    Some(Ok(Some(c))) => view! { <Connected c connector /> }.into_any(),
                    _ => view! { <NotConnected /> }.into_any(),
                }}
            </aside>
        </section>
    }
}

/// The ids and secrets; on a change, empty secret fields keep the stored ones.
#[component]
fn ConnectForm(current: Option<WhatsappConnector>, connector: Connector) -> impl IntoView {
    let toasts = use_toasts();
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let phone_number_id = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.phone_number_id.clone())
            .unwrap_or_default(),
    );
    let business_account_id = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.business_account_id.clone())
            .unwrap_or_default(),
    );
    let access_token = RwSignal::new(String::new());
    let app_secret = RwSignal::new(String::new());
    let verify_token = RwSignal::new(String::new());
    let connected = current.is_some();
    let kept = |last4: Option<String>, what: &'static str| match last4 {
        Some(l) => format!("Stored, ending in “{l}”. Leave empty to keep it."),
        None => what.to_string(),
    };
    let token_hint = kept(
        current.as_ref().map(|c| c.access_token_last4.clone()),
        "A permanent token of your system user in Meta Business settings.",
    );
    let secret_hint = kept(current.as_ref().map(|c| c.app_secret_last4.clone()), "Your Meta app's secret: it signs every webhook, so we can tell Meta's calls from anyone else's.");
    let verify_hint = kept(
        current.as_ref().map(|c| c.verify_token_last4.clone()),
        "Any phrase you choose; enter the same one as the verify token in Meta's webhook settings.",
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let secret = |s: RwSignal<String>| Some(s.get_untracked()).filter(|s| !s.trim().is_empty());
        let request = WhatsappConnectorRequest {
            phone_number_id: phone_number_id.get_untracked(),
            business_account_id: business_account_id.get_untracked(),
            access_token: secret(access_token),
            app_secret: secret(app_secret),
            verify_token: secret(verify_token),
        };
        set_busy.set(true);
        spawn_local(async move {
            let outcome = api::whatsapp::connect(&request).await;
            _ = set_busy.try_set(false);
            match outcome {
                Ok(_) => {
                    toasts.notice(if connected {
                        "WhatsApp settings saved."
                    } else {
                        "WhatsApp number connected."
                    });
                    connector.refetch();
                }
                Err(error) => problem.set(FormProblem::from_error(&error)),
            }
        });
    };
    view! {
        <form class="connector-form" data-testid="whatsapp-form" on:submit=submit novalidate>
            <FormError problem testid="whatsapp-form-error" />
            <fieldset class="settings-group">
                <legend>"Your number at Meta"</legend>
                <Field label="Phone number ID" name="phone_number_id" input_type="text" autocomplete="off" testid="wa-phone-number-id" value=phone_number_id problem hint="In Meta's app: WhatsApp → API Setup." />
                <Field label="WhatsApp Business account ID" name="business_account_id" input_type="text" autocomplete="off" testid="wa-business-account-id" value=business_account_id problem />
            </fieldset>
            <fieldset class="settings-group">
                <legend>"Secrets"</legend>
                <SecretField label="Access token" name="access_token" testid="wa-access-token" value=access_token problem hint=token_hint />
                <SecretField label="App secret" name="app_secret" testid="wa-app-secret" value=app_secret problem hint=secret_hint />
                <SecretField label="Verify token" name="verify_token" testid="wa-verify-token" value=verify_token problem hint=verify_hint />
            </fieldset>
            <div class="connector-actions">
                <SubmitButton label=if connected { "Save changes" } else { "Connect number" } busy_label="Saving…" testid="wa-save" busy />
            </div>
        </form>
    }
}

/// A password-style input whose hint says whether a value is stored.
#[component]
fn SecretField(
    label: &'static str,
    name: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    problem: RwSignal<FormProblem>,
    hint: String,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error = crate::components::form::field_error(problem, name);
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input id=id name=name type="password" autocomplete="off" data-testid=testid
                aria-invalid=move || error.get().is_some().then_some("true") bind:value=value />
            {move || match error.get() {
                Some(message) => view! { <p class="field-error">{message}</p> }.into_any(),
                None => view! { <p class="field-hint">{hint.clone()}</p> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn NotConnected() -> impl IntoView {
    view! {
        <div class="panel connector-help">
            <h3>"How to connect"</h3>
            <ol class="steps">
                <li>"In Meta for Developers, add WhatsApp to your app and note the phone number ID and business account ID."</li>
                <li>"Create a permanent access token for a system user with the whatsapp_business_messaging permission."</li>
                <li>"Enter them here with your app secret and a verify token of your choice."</li>
                <li>"Paste the webhook URL we show into the app's WhatsApp webhook settings and subscribe to messages."</li>
            </ol>
        </div>
    }
}

/// The webhook URL, the health line, the test message and Disconnect.
#[component]
fn Connected(c: WhatsappConnector, connector: Connector) -> impl IntoView {
    let toasts = use_toasts();
    let to = RwSignal::new(String::new());
    let problem = RwSignal::new(FormProblem::default());
    let (busy, set_busy) = signal(false);
    let confirming = RwSignal::new(false);
    let send_test = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let number = to.get_untracked();
        set_busy.set(true);
        spawn_local(async move {
            let outcome = api::whatsapp::send_test(number).await;
            _ = set_busy.try_set(false);
            match outcome {
                Ok(_) => {
                    problem.set(FormProblem::default());
                    toasts.notice("Test message sent.");
                }
                Err(error) => problem.set(FormProblem::from_error(&error)),
            }
            connector.refetch();
        });
    };
    let disconnect = Callback::new(move |()| {
        confirming.set(false);
        spawn_local(async move {
            match api::whatsapp::disconnect().await {
                Ok(()) => toasts.notice("WhatsApp number disconnected."),
                Err(error) => toasts.error(error.message()),
            }
            connector.refetch();
        });
    });
    let last_webhook = c.last_webhook_at.map_or("None yet".to_string(), exact);
    view! {
        <div class="panel connector-help" data-testid="whatsapp-connected">
            <h3>"Webhook"</h3>
            <CopyField text=c.webhook_url.clone() label="Copy URL" testid="copy-webhook-url" field_testid="wa-webhook-url" field_label="Webhook URL">
                "Callback URL for Meta's webhook settings (field: messages):"
            </CopyField>
            <dl class="health" data-testid="whatsapp-health">
                <div class="fact"><dt>"Last webhook"</dt><dd>{last_webhook}</dd></div>
                <div class="fact"><dt>"Last send"</dt>
                    <dd class:health-error=c.last_send_error.is_some()>
                        {match (&c.last_send_error, c.last_send_error_at) {
                            (Some(error), Some(at)) => format!("Failed {}: {error}", exact(at)),
                            _ => "No errors".to_string(),
                        }}
                    </dd>
                </div>
            </dl>
            <form class="test-message" data-testid="whatsapp-test" on:submit=send_test novalidate>
                <FormError problem testid="whatsapp-test-error" />
                <Field label="Send a test message to" name="to" input_type="tel" autocomplete="off" testid="wa-test-to" value=to problem hint="A WhatsApp number in international format, e.g. +4915112345678." />
                <SubmitButton label="Send test message" busy_label="Sending…" testid="wa-send-test" busy />
            </form>
            <button type="button" class="button button-danger-ghost" data-testid="wa-disconnect" on:click=move |_| confirming.set(true)>
                "Disconnect"
            </button>
        </div>
        {move || confirming.get().then(|| view! {
            <ConfirmDialog
                title="Disconnect WhatsApp?".to_string()
                body="Customers' new WhatsApp messages will no longer reach Switchboard, and replies in WhatsApp conversations cannot be sent until you connect again.".to_string()
                action="Disconnect"
                testid="wa-disconnect-dialog"
                confirm_testid="confirm-wa-disconnect"
                on_close=Callback::new(move |()| confirming.set(false))
                on_confirm=disconnect
            />
        })}
    }
}
