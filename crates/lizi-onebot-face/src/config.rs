//! The OneBot face's settings.

use std::net::SocketAddr;

use lizi_onebot::Profile;

/// How the OneBot face serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceConfig {
    /// Where the HTTP API listens; `None` keeps the face off.
    pub listen: Option<SocketAddr>,
    /// The access token clients must present, if any.
    pub token: Option<String>,
    /// The implementation whose envelopes and retcodes to reproduce.
    pub profile: Profile,
}

impl Default for FaceConfig {
    fn default() -> Self {
        FaceConfig {
            listen: None,
            token: None,
            profile: Profile::NapCat,
        }
    }
}
