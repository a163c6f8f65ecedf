//! The console's login: `POST /console/login` with `password=…` and/or `token=…` checks
//! them (in constant time) and answers with `HttpOnly; SameSite=Strict` cookies holding
//! their md5 (`pass`, as the original's clients send it, and [`TOKEN_COOKIE`]), so the
//! page's scripts never hold a credential: the browser sends the cookies with the
//! console's own requests and WebSocket, and with no other site's.
//!
//! Failed attempts slow down, per client address: after [`FREE_FAILURES`] failures in a
//! row, each further one locks the address out for twice as long as the last (1 s, 2 s,
//! 4 s … up to [`LONGEST_LOCK`]); an attempt while locked out is answered 429 with
//! `Retry-After`, without looking at what it sent. A success forgets the address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use lizi_core::Form;
use lizi_http::token;
use serde_json::json;

use crate::access::{md5_hex, TOKEN_COOKIE};
use crate::metrics::Metrics;
use crate::response::{self, with};
use crate::AppState;

/// Failures in a row an address may make before it is slowed down.
pub const FREE_FAILURES: u32 = 3;
/// The longest lock-out after a failure.
pub const LONGEST_LOCK: Duration = Duration::from_secs(60);
/// Most addresses remembered; the one failed longest ago is forgotten first.
const MAX_ADDRESSES: usize = 4096;

/// One address's failures in a row.
#[derive(Debug, Clone, Copy)]
struct Strikes {
    failures: u32,
    locked_until: Instant,
}

/// Failed logins per client address.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    strikes: Mutex<HashMap<IpAddr, Strikes>>,
}

impl LoginThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Strikes>> {
        self.strikes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How long `address` must still wait, if it is locked out.
    fn wait(&self, address: IpAddr) -> Option<Duration> {
        let strikes = *self.lock().get(&address)?;
        strikes
            .locked_until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
    }

    fn failed(&self, address: IpAddr) {
        let mut all = self.lock();
        if all.len() >= MAX_ADDRESSES && !all.contains_key(&address) {
            let oldest = all
                .iter()
                .min_by_key(|(_, strikes)| strikes.locked_until)
                .map(|(address, _)| *address);
            if let Some(oldest) = oldest {
                all.remove(&oldest);
            }
        }
        let now = Instant::now();
        let strikes = all.entry(address).or_insert(Strikes {
            failures: 0,
            locked_until: now,
        });
        strikes.failures = strikes.failures.saturating_add(1);
        if let Some(over) = strikes.failures.checked_sub(FREE_FAILURES) {
            let lock = Duration::from_secs(1u64 << over.min(6)).min(LONGEST_LOCK);
            strikes.locked_until = now + lock;
        }
    }

    fn succeeded(&self, address: IpAddr) {
        self.lock().remove(&address);
    }
}

/// `POST /console/login` from `address`.
pub fn login(state: &AppState, address: IpAddr, body: &[u8]) -> Response {
    let config = &state.config;
    if config.password.is_none() && config.token.is_none() {
        return response::error(StatusCode::NOT_FOUND, "this lizi has no password or token");
    }
    let throttle = &state.login_throttle;
    if let Some(left) = throttle.wait(address) {
        Metrics::bump(&state.metrics.login_throttled);
        let seconds = left.as_secs() + 1;
        let mut response = response::error(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many failed logins from this address; try again in {seconds} s"),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    let form = Form::decode(body, None);
    let given = |key| {
        form.get(key)
            .and_then(Result::ok)
            .filter(|value| !value.is_empty())
    };
    let checks = [
        ("password", given("password"), config.password.as_deref()),
        ("token", given("token"), config.token.as_deref()),
    ];
    let mut cookies = Vec::new();
    for (what, given, expected) in checks {
        let Some(given) = given else { continue };
        match expected {
            Some(expected) if token::same(given.as_bytes(), expected.as_bytes()) => {
                let name = if what == "password" {
                    "pass"
                } else {
                    TOKEN_COOKIE
                };
                cookies.push(format!(
                    "{name}={}; Path=/; HttpOnly; SameSite=Strict",
                    md5_hex(expected)
                ));
            }
            _ => return refused(state, address, &format!("the {what} is wrong")),
        }
    }
    if cookies.is_empty() {
        return refused(state, address, "give the password or the token");
    }
    throttle.succeeded(address);
    let mut response = with(
        StatusCode::OK,
        "application/json",
        json!({"ret": "ok"}).to_string(),
    );
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn refused(state: &AppState, address: IpAddr, why: &str) -> Response {
    Metrics::bump(&state.metrics.login_failures);
    state.login_throttle.failed(address);
    response::error(StatusCode::FORBIDDEN, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_lock_an_address_out_for_longer_each_time() {
        let throttle = LoginThrottle::default();
        let address: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        for _ in 0..FREE_FAILURES - 1 {
            throttle.failed(address);
            assert_eq!(throttle.wait(address), None);
        }
        throttle.failed(address);
        let first = throttle.wait(address).expect("locked out");
        assert!(first <= Duration::from_secs(1), "{first:?}");
        throttle.failed(address);
        let second = throttle.wait(address).expect("locked out");
        assert!(second > Duration::from_secs(1), "{second:?}");
        assert_eq!(throttle.wait(other), None, "per address");
        throttle.succeeded(address);
        assert_eq!(throttle.wait(address), None);
        for _ in 0..40 {
            throttle.failed(other);
        }
        assert!(throttle.wait(other).expect("locked out") <= LONGEST_LOCK);
    }
}
