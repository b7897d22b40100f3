//! Enums that travel and are stored as their snake_case names: one macro gives each its
//! `as_str`, `parse` and the `String` conversions the server's rows use (the database keeps
//! them as TEXT; `crates/api` converts in its row types and nowhere else).

/// A text that is none of an enum's names (a row written by a newer version, a typo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The enum it was read as.
    pub of: &'static str,
    /// The text.
    pub value: String,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a {}", self.value, self.of)
    }
}

impl std::error::Error for UnknownName {}

/// `wire_names!(Enum { Variant => "name", ... })`: the names must be serde's (each enum's test
/// checks that every variant serializes to its name).
macro_rules! wire_names {
    ($ty:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The wire name, which is also how it is stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $wire,)+
                }
            }

            /// Parses the wire name.
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($wire => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::wire::UnknownName;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value).ok_or($crate::wire::UnknownName {
                    of: stringify!($ty),
                    value,
                })
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.as_str().to_string()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use wire_names;

/// Asserts that every value of an enum made with [`wire_names!`] serializes to its name and
/// parses back.
#[cfg(test)]
macro_rules! assert_wire_names {
    ($ty:ty) => {
        for value in <$ty>::ALL {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{}\"", value.as_str()), "{value:?}");
            assert_eq!(
                <$ty>::try_from(value.as_str().to_string()).ok(),
                Some(*value)
            );
        }
        assert!(<$ty>::try_from(String::from("no such name")).is_err());
    };
}

#[cfg(test)]
mod tests {
    use crate::auth::Availability;
    use crate::conversations::{
        AssigneeFilter, Channel, ConversationState, ConversationStatus, Tab,
    };
    use crate::handoffs::{HandoffKind, HandoffStatus};
    use crate::messages::{AttachmentKind, MessageKind, Sender};
    use crate::settings::ReopenPolicy;
    use crate::Role;

    #[test]
    fn every_stored_enum_has_serdes_names() {
        assert_wire_names!(Channel);
        assert_wire_names!(ConversationState);
        assert_wire_names!(ConversationStatus);
        assert_wire_names!(Tab);
        assert_wire_names!(AssigneeFilter);
        assert_wire_names!(Sender);
        assert_wire_names!(MessageKind);
        assert_wire_names!(AttachmentKind);
        assert_wire_names!(Role);
        assert_wire_names!(Availability);
        assert_wire_names!(HandoffKind);
        assert_wire_names!(HandoffStatus);
        assert_wire_names!(ReopenPolicy);
    }
}
