//! The action table: one declaration per OneBot v11 action gives its typed parameters,
//! its kind (standard or extension), a line of description and the type of its data.
//!
//! [`ACTIONS`] is the single source for decoding ([`Action::parse`]), for building calls
//! ([`Action::to_request`]) and for documentation. The rows live in `table.rs`. Which
//! implementations have an action, and which of its parameters each reads, is their
//! [`Registry`](crate::registry::Registry)'s to say, not the row's.

mod data;
mod extended;
mod files;
mod lists;
mod media;
mod param;
mod table;

pub use data::*;
pub use extended::*;
pub use files::*;
pub use lists::*;
pub use media::*;
pub use param::{
    Flag, Id, Ids, Int, Json, Msg, Param, ParamError, ParamKind, ParamSpec, Problem, Text,
};
pub use table::*;

use serde_json::{Map, Value};

use crate::envelope::ActionRequest;

/// Where an action comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// OneBot v11 `api/public.md`.
    Standard,
    /// A go-cqhttp/NapCat extension the live implementations share.
    Extension,
}

/// One row of the action table.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    /// The action name.
    pub name: &'static str,
    /// Standard or extension.
    pub kind: ActionKind,
    /// One-line description.
    pub summary: &'static str,
    /// Parameters, in documentation order.
    pub params: &'static [ParamSpec],
    /// The Rust type of the response `data` (documentation).
    pub data: &'static str,
    /// Decodes a params map into the typed action.
    pub parse: fn(&Map<String, Value>) -> Result<Action, ParamError>,
}

impl ActionSpec {
    /// The row for an action name (exact, without suffix).
    pub fn find(name: &str) -> Option<&'static ActionSpec> {
        ACTIONS.iter().find(|spec| spec.name == name)
    }
}

/// Why a call cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// No such action in the table.
    #[error("unknown action `{0}`")]
    Unknown(String),
    /// A parameter is missing or malformed.
    #[error(transparent)]
    Param(#[from] ParamError),
}

impl Action {
    /// Decodes a call to `name` (without suffix; see [`crate::envelope::split_action`]).
    pub fn parse(name: &str, params: &Map<String, Value>) -> Result<Action, ActionError> {
        let spec = ActionSpec::find(name).ok_or_else(|| ActionError::Unknown(name.to_owned()))?;
        Ok((spec.parse)(params)?)
    }

    /// The call as a request envelope, parameters written exactly (ids as numbers,
    /// messages as segment arrays).
    pub fn to_request(&self, echo: Option<crate::Echo>) -> ActionRequest {
        ActionRequest {
            action: self.name().to_owned(),
            params: self.to_params(),
            echo,
        }
    }
}

/// The first non-null value among a parameter's name and aliases.
fn lookup<'a>(params: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .filter_map(|n| params.get(*n))
        .find(|v| !v.is_null())
}

/// Declares the action table. See `table.rs` for the rows.
macro_rules! actions {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident $name:literal $kind:ident [$data:ty]
        ( $( $field:ident $(as $wire:literal)? $(or $alias:literal)* : $ptype:ty ),* $(,)? );
    )*) => {
        $(
            // The data type must exist: the table's `data` column names it.
            const _: fn() -> Option<$data> = || None;

            $(#[doc = $doc])+
            #[derive(Debug, Clone, PartialEq)]
            pub struct $variant {
                $(
                    #[doc = concat!("Parameter `", actions!(@wire $field $($wire)?), "`.")]
                    pub $field: <$ptype as $crate::action::Param>::Value,
                )*
            }

            impl $variant {
                /// The parameters of this action.
                pub const PARAMS: &'static [$crate::action::ParamSpec] = &[$(
                    $crate::action::ParamSpec {
                        name: actions!(@wire $field $($wire)?),
                        aliases: &[$($alias),*],
                        kind: <$ptype as $crate::action::Param>::KIND,
                        required: <$ptype as $crate::action::Param>::REQUIRED,
                    }
                ),*];

                #[allow(unused_variables)]
                fn parse(
                    params: &serde_json::Map<String, serde_json::Value>,
                ) -> Result<Action, $crate::action::ParamError> {
                    Ok(Action::$variant($variant {$(
                        $field: {
                            let name = actions!(@wire $field $($wire)?);
                            let value = $crate::action::lookup(params, &[name $(, $alias)*]);
                            <$ptype as $crate::action::Param>::decode(name, value)?
                        },
                    )*}))
                }

                #[allow(unused_mut)]
                fn to_params(&self) -> serde_json::Map<String, serde_json::Value> {
                    let mut params = serde_json::Map::new();
                    $(
                        if let Some(value) = <$ptype as $crate::action::Param>::encode(&self.$field) {
                            params.insert(actions!(@wire $field $($wire)?).to_owned(), value);
                        }
                    )*
                    params
                }
            }
        )*

        /// A decoded OneBot action call.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Action {
            $(
                $(#[doc = $doc])+
                $variant($variant),
            )*
        }

        impl Action {
            /// The action name.
            pub fn name(&self) -> &'static str {
                match self { $( Action::$variant(_) => $name, )* }
            }

            /// The parameters, written exactly; absent optional ones are left out.
            pub fn to_params(&self) -> serde_json::Map<String, serde_json::Value> {
                match self { $( Action::$variant(call) => call.to_params(), )* }
            }
        }

        /// Every action, standard ones first.
        pub static ACTIONS: &[$crate::action::ActionSpec] = &[$(
            $crate::action::ActionSpec {
                name: $name,
                kind: $crate::action::ActionKind::$kind,
                summary: concat!($($doc),+),
                params: $variant::PARAMS,
                data: stringify!($data),
                parse: $variant::parse,
            },
        )*];
    };
    (@wire $field:ident) => { stringify!($field) };
    (@wire $field:ident $wire:literal) => { $wire };
}

pub(crate) use actions;
