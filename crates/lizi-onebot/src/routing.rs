//! How each implementation routes a call: the suffix split off, an action it does not
//! register answered as unknown, the parameters admitted as it reads them, then decoded by
//! lizi's typed row when the table has one.

use serde_json::{Map, Value};

use crate::action::{Action, ActionError, ActionSpec};
use crate::envelope::{split_action, ActionRequest, ActionResponse, Failure, Suffix};
use crate::profile::Profile;
use crate::registry::{Registered, Registry};

/// A routed call: what carries it out.
#[derive(Debug, Clone, PartialEq)]
pub enum Routed {
    /// An action of lizi's table, decoded by its typed row (boxed: the largest rows are
    /// many times the size of the other variant).
    Action(Box<Action>),
    /// An action the implementation registers that lizi's table has no typed row for:
    /// its registry entry and the parameters as the implementation reads them.
    Untyped {
        /// The registry entry.
        registered: &'static Registered,
        /// The admitted parameters.
        params: Map<String, Value>,
    },
}

impl Profile {
    /// Whether an action name with `suffix` exists here: the suffixes the implementation's
    /// router takes (NapCat and LLOneBot register `_async` and `_rate_limited` as plain
    /// aliases of the synchronous handler, which run at once and answer `ok`; Lagrange
    /// knows neither and answers [`Failure::UnknownAction`]).
    pub fn accepts(self, suffix: Suffix) -> bool {
        match suffix.text() {
            None => true,
            Some(text) => Registry::of(self).accepts_suffix(text),
        }
    }

    /// Routes a call as this implementation does: the suffix split off; an unknown action
    /// or suffix, or an action this implementation does not register (its [`Registry`]),
    /// answered as unknown; the parameters admitted as it reads them
    /// ([`Registered::admit`]), then decoded by lizi's typed row when the table has one. A
    /// refusal is this profile's failed response (carrying the request's `echo`, boxed)
    /// with a message naming the problem.
    pub fn route(self, request: &ActionRequest) -> Result<(Routed, Suffix), Box<ActionResponse>> {
        let (name, suffix) = split_action(&request.action);
        let refuse = |failure, message: String| {
            Err(Box::new(
                self.failed(failure, message)
                    .with_echo(request.echo.clone()),
            ))
        };
        if !self.accepts(suffix) {
            return refuse(Failure::UnknownAction, self.unknown_action(&request.action));
        }
        // An action this implementation lacks is as unknown to it as a made-up name.
        let Some(registered) = Registry::of(self).action(name) else {
            return refuse(Failure::UnknownAction, self.unknown_action(name));
        };
        let params = match registered.admit(self, &request.params) {
            Ok(params) => params,
            Err(e) => return refuse(Failure::BadParams, e.to_string()),
        };
        if ActionSpec::find(name).is_none() {
            return Ok((Routed::Untyped { registered, params }, suffix));
        }
        match Action::parse(name, &params) {
            Ok(action) => Ok((Routed::Action(Box::new(action)), suffix)),
            Err(e @ ActionError::Unknown(_)) => refuse(Failure::UnknownAction, e.to_string()),
            Err(e @ ActionError::Param(_)) => refuse(Failure::BadParams, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn napcat_takes_the_async_suffix_and_lagrange_does_not() {
        assert!(
            Profile::NapCat.accepts(Suffix::Async) && !Profile::Lagrange.accepts(Suffix::Async)
        );
    }
}
