//! The endpoint table: one declaration per endpoint gives its typed request, its
//! parameters, its checks and its response template.
//!
//! [`ENDPOINTS`] is the single source the HTTP router, the parameter checks, the
//! conformance tests and the documentation all read.

use crate::form::Form;
use crate::param::{Param, ParamError, ParamSpec, Problem};

pub use crate::table::*;

/// The response shape of an endpoint (docs/xlz-api.md#the-templates, #sessions-and-the-event-buffer, #endpoint-answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// T1: `{"ret":"<retcode text>","random":N,"req":N}`.
    Retcode1,
    /// T0 whose text is retcode JSON: `{"ret":"<retcode text>"}`.
    Retcode0,
    /// T0 `"true"` / `"false"`.
    Bool,
    /// T0 with plain text.
    Text,
    /// `{"ret":"OK"}`.
    Ok,
    /// T2: `{"ret":"<retcode text>","Req":N,"Random":N,"Time":N}`.
    Receipt2,
    /// T3: `{"ret":"<count>","List":[…]}`.
    List,
    /// T4: `{"ret":"true","Info":{…}}`.
    Info,
    /// `{"List":[<GroupMsg>,…]}`.
    Forwarded,
    /// `/getlogonqq`: T0 whose text is the `QQlist` JSON.
    Logon,
    /// `{"session_id":N}`.
    SessionAlloc,
    /// `{"status":"OK"}` or `{"status":"session not found"}`.
    SessionStatus,
    /// LF-framed events (`/getevent`).
    EventsFramed,
    /// `{"status":"OK","events":[…]}` (`/geteventv2`).
    EventsJson,
}

/// Which HTTP methods an endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Methods {
    /// POST only.
    Post,
    /// GET and POST.
    GetOrPost,
}

/// A condition under which an endpoint exists at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Always routed.
    Always,
    /// Routed only when key access (`/getskey` and friends) is enabled.
    KeyAccess,
}

/// One row of the endpoint table.
#[derive(Debug, Clone, Copy)]
pub struct EndpointSpec {
    /// Canonical path, lower case, with the leading `/`.
    pub path: &'static str,
    /// Other paths that reach the same endpoint.
    pub aliases: &'static [&'static str],
    /// One-line description.
    pub summary: &'static str,
    /// Response shape.
    pub template: Template,
    /// Accepted methods.
    pub methods: Methods,
    /// Routing condition.
    pub gate: Gate,
    /// Parameters, in documentation order.
    pub params: &'static [ParamSpec],
    /// Decodes and validates a form into the typed request.
    pub parse: fn(&Form) -> Result<Request, ParamError>,
}

impl EndpointSpec {
    /// Defaults that table rows override.
    pub(crate) const BASE: EndpointSpec = EndpointSpec {
        path: "",
        aliases: &[],
        summary: "",
        template: Template::Ok,
        methods: Methods::Post,
        gate: Gate::Always,
        params: &[],
        parse: |_| {
            Err(ParamError {
                param: "",
                problem: Problem::Missing,
            })
        },
    };

    /// Finds the endpoint for a path, case-insensitively; aliases count.
    pub fn find(path: &str) -> Option<&'static EndpointSpec> {
        ENDPOINTS.iter().find(|spec| {
            spec.path.eq_ignore_ascii_case(path)
                || spec.aliases.iter().any(|a| a.eq_ignore_ascii_case(path))
        })
    }

    /// The parameter spec named `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// Checks a value against a closed set of allowed integers (empty set: anything goes).
pub(crate) fn check_allowed<P: Param>(
    name: &'static str,
    value: &P::Value,
    allowed: &'static [i64],
) -> Result<(), ParamError> {
    match P::as_choice(value) {
        Some(v) if !allowed.is_empty() && !allowed.contains(&v) => Err(ParamError {
            param: name,
            problem: Problem::NotAllowed(v, allowed),
        }),
        _ => Ok(()),
    }
}

/// Declares the endpoint table. See `table.rs` for the rows.
macro_rules! endpoints {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident $path:literal => $template:ident
        $({ $($key:ident : $value:expr),* $(,)? })?
        ( $( $field:ident $(as $wire:literal)? $([$($allowed:literal),*])? : $kind:ty ),* $(,)? )
        $(where $check:path)?;
    )*) => {
        $(
            $(#[doc = $doc])+
            #[derive(Debug, Clone, PartialEq)]
            pub struct $variant {
                $(
                    #[doc = concat!("Parameter `", endpoints!(@wire $field $($wire)?), "`.")]
                    pub $field: <$kind as $crate::param::Param>::Value,
                )*
            }

            impl $variant {
                /// The parameters of this endpoint.
                pub const PARAMS: &'static [$crate::param::ParamSpec] = &[$(
                    $crate::param::ParamSpec {
                        name: endpoints!(@wire $field $($wire)?),
                        kind: <$kind as $crate::param::Param>::KIND,
                        required: <$kind as $crate::param::Param>::REQUIRED,
                        allowed: &[$($($allowed),*)?],
                        aliases: <$kind as $crate::param::Param>::ALIASES,
                    }
                ),*];

                #[allow(unused_variables)]
                fn parse(form: &$crate::form::Form) -> Result<Request, $crate::param::ParamError> {
                    let request = $variant {$(
                        $field: {
                            let name = endpoints!(@wire $field $($wire)?);
                            let value = <$kind as $crate::param::Param>::extract(form, name)?;
                            $crate::endpoint::check_allowed::<$kind>(name, &value, &[$($($allowed),*)?])?;
                            value
                        },
                    )*};
                    $( $check(&request)?; )?
                    Ok(Request::$variant(request))
                }
            }
        )*

        /// A decoded, validated request to one endpoint.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Request {
            $(
                $(#[doc = $doc])+
                $variant($variant),
            )*
        }

        impl Request {
            /// The canonical path of the endpoint this request is for.
            pub fn path(&self) -> &'static str {
                match self { $( Request::$variant(_) => $path, )* }
            }
        }

        /// Every endpoint, in documentation order.
        pub static ENDPOINTS: &[$crate::endpoint::EndpointSpec] = &[$(
            $crate::endpoint::EndpointSpec {
                path: $path,
                summary: concat!($($doc),+),
                template: $crate::endpoint::Template::$template,
                params: $variant::PARAMS,
                parse: $variant::parse,
                $($($key: $value,)*)?
                ..$crate::endpoint::EndpointSpec::BASE
            },
        )*];
    };
    (@wire $field:ident) => { stringify!($field) };
    (@wire $field:ident $wire:literal) => { $wire };
}

pub(crate) use endpoints;
