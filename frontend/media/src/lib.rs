//! What the dashboard and the chat widget both do with the browser's media, so each app keeps
//! only its own look and words: [`voice`] records a voice note, [`upload`] posts a file with
//! its progress.

pub mod upload;
pub mod voice;
