//! Pieces of the interface named after what the person sees.

pub mod action_button;
pub mod auth_layout;
pub mod availability_toggle;
pub mod conversation_badges;
pub mod copy_button;
pub mod dialog;
pub mod form;
pub mod icons;
pub mod live_updates;
pub mod mute_toggle;
pub mod not_found;
pub mod paged_list;
pub mod shell;
pub mod sidebar;
pub mod theme_toggle;
pub mod time;
pub mod toast;
pub mod topbar;
