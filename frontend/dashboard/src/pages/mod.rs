//! One module per screen.

pub mod accept_invitation;
pub mod billing;
pub mod connectors;
pub mod conversations;
pub mod leads;
pub mod login;
pub mod overview;
pub mod reviews;
pub mod section;
pub mod settings;
pub mod team;

pub use crate::title::set_page as set_title;
