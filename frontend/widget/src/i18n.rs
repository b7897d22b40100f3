//! Every string the visitor reads, one table per language, picked from the browser's language.
//! The business's own texts (title, greeting, offline message) come from its settings as they are.

/// The visitor-facing strings of one language.
pub struct Strings {
    pub close: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub talk_to_human: &'static str,
    pub human_requested: &'static str,
    /// Around an agent's name: "Anna joined the conversation".
    pub joined: (&'static str, &'static str),
    pub left: (&'static str, &'static str),
    pub typing: &'static str,
    pub sending: &'static str,
    pub sent: &'static str,
    /// The team has read it.
    pub seen: &'static str,
    pub not_sent: &'static str,
    pub reconnecting: &'static str,
    pub chatting_with: &'static str,
    pub ai_assistant: &'static str,
    pub prechat_intro: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub optional: &'static str,
    pub required: &'static str,
    pub invalid_email: &'static str,
    pub start_chat: &'static str,
    pub leave_email: &'static str,
    pub your_message: &'static str,
    pub email_saved: &'static str,
    pub back_to_chat: &'static str,
    pub rate_title: &'static str,
    pub rate_stars: &'static str,
    pub rate_comment: &'static str,
    pub rate_send: &'static str,
    pub rate_skip: &'static str,
    pub thanks: &'static str,
    pub new_message: &'static str,
    pub resolved: &'static str,
    pub attach: &'static str,
    pub record: &'static str,
    pub stop_and_send: &'static str,
    pub cancel: &'static str,
    pub remove: &'static str,
    pub uploading: &'static str,
    pub voice_note: &'static str,
    pub image_type: &'static str,
    pub unsupported_file: &'static str,
    pub empty_file: &'static str,
    /// Around the limit in MB: "Files like this can be at most 10 MB."
    pub too_large: (&'static str, &'static str),
    pub upload_failed: &'static str,
    pub no_microphone: &'static str,
    /// The label of a booking card's grid of times.
    pub pick_time: &'static str,
    /// Said of the time the visitor picked.
    pub booked: &'static str,
}

/// English.
pub const EN: Strings = Strings {
    close: "Close chat",
    placeholder: "Write a message…",
    send: "Send",
    talk_to_human: "Talk to a human",
    human_requested: "We've let the team know. Someone will join shortly.",
    joined: ("", " joined the conversation"),
    left: ("", " left the conversation"),
    typing: "is typing…",
    sending: "Sending…",
    sent: "Sent",
    seen: "Seen by the team",
    not_sent: "Not sent",
    reconnecting: "Reconnecting… your messages will be sent when you're back online.",
    chatting_with: "You're chatting with",
    ai_assistant: "AI assistant",
    prechat_intro: "Before we start, tell us a little about you.",
    name: "Name",
    email: "Email",
    phone: "Phone",
    optional: "optional",
    required: "Please fill this in.",
    invalid_email: "Please enter a valid email address.",
    start_chat: "Start chat",
    leave_email: "Leave my email",
    your_message: "How can we help? (optional)",
    email_saved: "Thanks! We'll get back to you by email.",
    back_to_chat: "Back to the chat",
    rate_title: "How did we do?",
    rate_stars: "Rate this conversation",
    rate_comment: "Anything else you'd like to tell us? (optional)",
    rate_send: "Send rating",
    rate_skip: "Skip",
    thanks: "Thank you for your feedback!",
    new_message: "Write a new message",
    resolved: "This conversation was resolved.",
    attach: "Attach a photo or file",
    record: "Record a voice note",
    stop_and_send: "Stop and send",
    cancel: "Cancel",
    remove: "Remove",
    uploading: "Uploading…",
    voice_note: "Voice note",
    image_type: "This image can't be sent: images must be JPEG, PNG, GIF or WebP.",
    unsupported_file:
        "This file can't be sent: send a photo, audio, a PDF, an office document or plain text.",
    empty_file: "This file is empty.",
    too_large: (
        "This file is too large: files like it can be at most ",
        " MB.",
    ),
    upload_failed: "The file could not be sent. Please try again.",
    no_microphone: "The microphone is not available: allow it for this site and try again.",
    pick_time: "Pick a time",
    booked: "Booked",
};

/// German.
pub const DE: Strings = Strings {
    close: "Chat schließen",
    placeholder: "Nachricht schreiben…",
    send: "Senden",
    talk_to_human: "Mit einem Menschen sprechen",
    human_requested: "Wir haben das Team benachrichtigt. Gleich ist jemand für Sie da.",
    joined: ("", " ist dem Gespräch beigetreten"),
    left: ("", " hat das Gespräch verlassen"),
    typing: "schreibt…",
    sending: "Wird gesendet…",
    sent: "Gesendet",
    seen: "Vom Team gelesen",
    not_sent: "Nicht gesendet",
    reconnecting: "Verbindung wird wiederhergestellt… Ihre Nachrichten werden gesendet, sobald Sie wieder online sind.",
    chatting_with: "Sie chatten mit",
    ai_assistant: "KI-Assistent",
    prechat_intro: "Bevor es losgeht, erzählen Sie uns kurz etwas über sich.",
    name: "Name",
    email: "E-Mail",
    phone: "Telefon",
    optional: "optional",
    required: "Bitte ausfüllen.",
    invalid_email: "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
    start_chat: "Chat starten",
    leave_email: "E-Mail hinterlassen",
    your_message: "Wie können wir helfen? (optional)",
    email_saved: "Danke! Wir melden uns per E-Mail bei Ihnen.",
    back_to_chat: "Zurück zum Chat",
    rate_title: "Wie waren wir?",
    rate_stars: "Bewerten Sie dieses Gespräch",
    rate_comment: "Möchten Sie uns noch etwas sagen? (optional)",
    rate_send: "Bewertung senden",
    rate_skip: "Überspringen",
    thanks: "Vielen Dank für Ihr Feedback!",
    new_message: "Neue Nachricht schreiben",
    resolved: "Dieses Gespräch wurde abgeschlossen.",
    attach: "Foto oder Datei anhängen",
    record: "Sprachnachricht aufnehmen",
    stop_and_send: "Beenden und senden",
    cancel: "Abbrechen",
    remove: "Entfernen",
    uploading: "Wird hochgeladen…",
    voice_note: "Sprachnachricht",
    image_type: "Dieses Bild kann nicht gesendet werden: Bilder müssen JPEG, PNG, GIF oder WebP sein.",
    unsupported_file: "Diese Datei kann nicht gesendet werden: senden Sie ein Foto, Audio, ein PDF, ein Office-Dokument oder Text.",
    empty_file: "Diese Datei ist leer.",
    too_large: ("Diese Datei ist zu groß: solche Dateien dürfen höchstens ", " MB groß sein."),
    upload_failed: "Die Datei konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
    no_microphone: "Das Mikrofon ist nicht verfügbar: erlauben Sie es für diese Seite und versuchen Sie es erneut.",
    pick_time: "Termin wählen",
    booked: "Gebucht",
};

/// The table for a BCP 47 language tag such as `de-AT`; English for any other language.
pub fn for_language(tag: &str) -> &'static Strings {
    if tag.get(..2).is_some_and(|l| l.eq_ignore_ascii_case("de")) {
        &DE
    } else {
        &EN
    }
}

/// The table for the browser's language.
pub fn strings() -> &'static Strings {
    let tag = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    for_language(&tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_browsers_get_german_and_everyone_else_english() {
        assert_eq!(for_language("de-AT").send, "Senden");
        assert_eq!(for_language("DE").send, "Senden");
        assert_eq!(for_language("fr-FR").send, "Send");
        assert_eq!(for_language("").send, "Send");
    }
}
