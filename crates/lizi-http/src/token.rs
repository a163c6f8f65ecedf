//! Access tokens as OneBot v11 clients present them, checked from the head, compared in
//! constant time.
//!
//! The standard (botuniverse/onebot-11 @ d4456ee, `communication/authorization.md`):
//! `Authorization: Bearer <token>`, or `?access_token=<token>` where headers cannot be set;
//! 401 when none is given, 403 when it is wrong. What the implementations accept, read in
//! their source:
//!
//! - NapCat v4.18.19 (NapNeko/NapCatQQ @ af07479, `packages/napcat-onebot/network/
//!   http-server.ts` and `websocket-server.ts`, `authorize`): a non-empty `access_token`
//!   first, else the header's text after its last `Bearer ` (`split('Bearer ').pop()`), so
//!   `Bearer T` and, by that quirk, a bare `T`; `bearer T` and `Token T` are refused;
//!   403 for a missing token as for a wrong one.
//! - LLOneBot (LLOneBot/LLOneBot @ c9bd964, `src/onebot11/connect/http.ts`, `ws.ts`): the
//!   same `split('Bearer ')` of the header when there is one, else `access_token`; 403.
//! - Lagrange.OneBot (LagrangeDev/Lagrange.Core branch `v1` @ e17fe35,
//!   `Core/Network/Service/HttpService.cs`, `ForwardWSService.cs`): the header when there is
//!   one, which must be exactly `Bearer <token>`, else `access_token`; 401 with
//!   `WWW-Authenticate: Bearer` when none is given, 403 when it is wrong.
//!
//! lizi takes the standard's two forms, the header first when there is one (as LLOneBot
//! and Lagrange.OneBot do), with the `Bearer` scheme in any case (RFC 7235 §2.1: schemes
//! are case-insensitive), and answers as the standard and Lagrange.OneBot do. A header in
//! another form (`Token T`, a bare `T`) is a wrong token, as in Lagrange.OneBot.

use std::borrow::Cow;
use std::net::SocketAddr;

use http::header::{HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use http::request::Parts;
use http::{HeaderMap, StatusCode};
use subtle::ConstantTimeEq;

use crate::gate::{Gate, Reason, Refusal};

/// Whether two secrets are equal, in time that depends on their lengths only.
pub fn same(given: &[u8], expected: &[u8]) -> bool {
    given.ct_eq(expected).into()
}

/// The token a request presents: the `Authorization` header's when there is one (`None`
/// inside when it is not `Bearer <token>`), else the first `access_token` of the query
/// string, percent-decoded; `None` when it presents none.
pub fn presented<'a>(
    headers: &'a HeaderMap,
    query: Option<&'a str>,
) -> Option<Option<Cow<'a, str>>> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        return Some(value.to_str().ok().and_then(bearer).map(Cow::Borrowed));
    }
    let value = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("access_token="))?;
    Some(Some(decode(value)))
}

/// The token of an `Authorization: Bearer <token>` value; the scheme in any case.
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A query-string value: `+` is a space, `%XX` a byte of UTF-8.
fn decode(value: &str) -> Cow<'_, str> {
    if !value.contains(['+', '%']) {
        return Cow::Borrowed(value);
    }
    let spaced = value.replace('+', " ");
    Cow::Owned(
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Checks the token a request presents against `expected`: none is 401 (with
/// `WWW-Authenticate: Bearer`), a wrong one 403.
pub fn check(expected: &str, headers: &HeaderMap, query: Option<&str>) -> Result<(), Refusal> {
    match presented(headers, query) {
        None => Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            Reason::Credentials,
            "an access token is required: send `Authorization: Bearer <token>` or `?access_token=<token>`",
        )
        .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))),
        Some(Some(given)) if same(given.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(Refusal::new(
            StatusCode::FORBIDDEN,
            Reason::Credentials,
            "the access token is wrong",
        )),
    }
}

/// A port's check from the head that is its OneBot access token, when one is set: the
/// gate of the OneBot face's port and of the bridge's accept port.
#[derive(Debug, Clone)]
pub struct TokenGate {
    token: Option<String>,
}

impl TokenGate {
    /// A gate checking `token`; with none, every request passes.
    pub fn new(token: Option<String>) -> Self {
        TokenGate { token }
    }
}

impl Gate for TokenGate {
    fn admit(&self, head: &Parts, _peer: SocketAddr) -> Result<(), Refusal> {
        match &self.token {
            Some(expected) => check(expected, &head.headers, head.uri.query()),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value.parse().expect("value"));
        }
        headers
    }

    fn status(authorization: Option<&str>, query: Option<&str>) -> Option<u16> {
        check("t0k en+", &headers(authorization), query)
            .err()
            .map(|refusal| refusal.status.as_u16())
    }

    #[test]
    fn bearer_in_any_case_and_the_query_parameter_are_accepted() {
        for header in ["Bearer t0k en+", "bearer t0k en+", "BEARER  t0k en+ "] {
            assert_eq!(status(Some(header), None), None, "{header}");
        }
        assert_eq!(status(None, Some("a=1&access_token=t0k%20en%2B")), None);
        assert_eq!(status(None, Some("access_token=t0k+en%2B&x=2")), None);
    }

    #[test]
    fn other_forms_are_wrong_and_none_is_missing() {
        for header in [
            "Token t0k en+",
            "t0k en+",
            "Bearer",
            "Bearer wrong",
            "Basic dDA=",
        ] {
            assert_eq!(status(Some(header), None), Some(403), "{header}");
        }
        // The header, when present, is the one presented.
        assert_eq!(
            status(Some("Bearer wrong"), Some("access_token=t0k%20en%2B")),
            Some(403)
        );
        assert_eq!(status(None, Some("access_token=nope")), Some(403));
        assert_eq!(status(None, None), Some(401));
        assert_eq!(status(None, Some("token=t0k")), Some(401));
    }

    #[test]
    fn secrets_compare_by_content() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
    }
}
