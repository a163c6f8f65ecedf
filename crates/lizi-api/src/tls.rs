//! Extra CA certificates trusted for https push receivers and `fromtype=2` downloads,
//! besides the system's root store (self-hosted receivers often use a private CA).

use std::path::{Path, PathBuf};

/// A CA file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CaFileError {
    /// The file cannot be read.
    #[error("cannot read the CA file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file holds no `-----BEGIN CERTIFICATE-----` block.
    #[error("the CA file {path} holds no PEM certificate")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A certificate in it is not usable as a root.
    #[error("the CA file {path} holds an unusable certificate: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Reads the PEM certificates of a CA file, checking each can be trusted as a root.
pub fn load_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>, CaFileError> {
    let invalid = |error: reqwest::Error| CaFileError::Invalid {
        path: path.to_owned(),
        message: error_chain(&error),
    };
    let pem = std::fs::read(path).map_err(|source| CaFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(invalid)?;
    if roots.is_empty() {
        return Err(CaFileError::Empty {
            path: path.to_owned(),
        });
    }
    // Certificates are only parsed into a root store when a client is built.
    trusting(reqwest::Client::builder(), &roots)
        .tls_built_in_root_certs(false)
        .build()
        .map_err(invalid)?;
    Ok(roots)
}

/// `builder` trusting `roots` besides the system's root store.
pub(crate) fn trusting(
    builder: reqwest::ClientBuilder,
    roots: &[reqwest::Certificate],
) -> reqwest::ClientBuilder {
    roots.iter().fold(builder, |builder, root| {
        builder.add_root_certificate(root.clone())
    })
}

/// An error and its causes, `: `-separated (reqwest's own text omits why a connection
/// failed, e.g. an unknown certificate issuer).
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_ca_files_are_refused_with_the_reason() {
        let dir = std::env::temp_dir().join(format!("lizi-tls-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = load_ca_file(&dir.join("missing.pem")).unwrap_err();
        assert!(matches!(missing, CaFileError::Read { .. }), "{missing}");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let error = load_ca_file(&empty).unwrap_err();
        assert!(matches!(error, CaFileError::Empty { .. }), "{error}");
        let garbage = dir.join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let error = load_ca_file(&garbage).unwrap_err();
        assert!(matches!(error, CaFileError::Invalid { .. }), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
