//! Security settings: who may call the API (credentials and the addresses allowed), the
//! names and web origins lizi answers to, the key endpoints, and the certificates trusted
//! for lizi's own HTTPS requests.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use lizi_api::{AllowRule, ApiConfig};
use serde::Deserialize;

use super::config_file::{flags_or_file, ConfigFile};

/// The security flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Security")]
#[serde(default)]
pub struct SecurityFlags {
    /// Password; clients send its md5 in the `pass` cookie [default: none].
    #[arg(long, env = "LIZI_PASSWORD", value_name = "TEXT")]
    pub password: Option<String>,
    /// Bearer token accepted in `Authorization: Bearer …` [default: none].
    #[arg(long, env = "LIZI_TOKEN", value_name = "TEXT")]
    pub token: Option<String>,
    /// Remote address or network allowed besides loopback (repeatable; comma-separated in
    /// the environment) [default: none].
    #[arg(
        long = "allow-from",
        env = "LIZI_ALLOW_FROM",
        value_delimiter = ',',
        value_name = "IP[/PREFIX]"
    )]
    pub allow_from: Vec<String>,
    /// Start even though `--allow-from` admits other machines and neither a password nor
    /// a token is set: then anyone who can connect acts as every account [default: false].
    #[arg(long, env = "LIZI_INSECURE_OPEN", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub insecure_open: Option<bool>,
    /// Answer /getskey, /getpskey and /getclientkey [default: false].
    #[arg(long, env = "LIZI_KEY_ACCESS", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub key_access: Option<bool>,
    /// PEM file of CA certificates trusted, besides the system's, for https report URLs
    /// and media downloads [default: none].
    #[arg(long, env = "LIZI_TLS_CA_FILE", value_name = "FILE")]
    pub tls_ca_file: Option<PathBuf>,
    /// Host name clients may reach lizi by, besides loopback names and addresses, the
    /// listen address and public_url's host; `*` for any; other Hosts get 421 (repeatable;
    /// comma-separated in the environment) [default: none].
    #[arg(
        long = "allow-host",
        env = "LIZI_ALLOW_HOSTS",
        value_delimiter = ',',
        value_name = "NAME"
    )]
    pub allow_hosts: Vec<String>,
    /// Web origin (`http://host:port`) whose pages may call lizi, besides lizi's own; `*`
    /// for any; requests from other pages get 403 (repeatable; comma-separated in the
    /// environment) [default: none].
    #[arg(
        long = "allow-origin",
        env = "LIZI_ALLOW_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub allow_origins: Vec<String>,
}

impl SecurityFlags {
    /// These flags over the config file's `file`, into `api`. Refuses allow rules that
    /// admit other machines when neither a password nor a token is set, unless
    /// `insecure_open`.
    pub fn resolve(
        self,
        file: SecurityFlags,
        config: &ConfigFile,
        api: &mut ApiConfig,
    ) -> anyhow::Result<()> {
        let allow_from = flags_or_file(self.allow_from, file.allow_from);
        let allow_from_texts: Vec<&str> = allow_from
            .iter()
            .map(|rule| rule.trim())
            .filter(|rule| !rule.is_empty())
            .collect();
        let allow_from = allow_from_texts
            .iter()
            .map(|rule| rule.parse::<AllowRule>())
            .collect::<Result<Vec<_>, _>>()
            .context("allow_from")?;
        let password = self.password.or(file.password).filter(|p| !p.is_empty());
        let token = self.token.or(file.token).filter(|t| !t.is_empty());
        let insecure_open = self.insecure_open.or(file.insecure_open).unwrap_or(false);
        if password.is_none() && token.is_none() && !insecure_open {
            refuse_remote_rules(&allow_from_texts, &allow_from)?;
        }
        let tls_ca_file = self
            .tls_ca_file
            .or(file.tls_ca_file.map(|path| config.path(path)));
        api.extra_roots = match tls_ca_file {
            Some(path) => lizi_api::load_ca_file(&path).context("tls_ca_file")?,
            None => Vec::new(),
        };
        api.password = password;
        api.token = token;
        api.allow_from = allow_from;
        api.key_access = self.key_access.or(file.key_access).unwrap_or(false);
        let names = |flags: Vec<String>, from_file: Vec<String>| -> Vec<String> {
            flags_or_file(flags, from_file)
                .into_iter()
                .map(|name| name.trim().to_owned())
                .filter(|name| !name.is_empty())
                .collect()
        };
        // Checked with public_url once every area is read (`Settings::resolve`).
        api.allow_hosts = names(self.allow_hosts, file.allow_hosts);
        api.allow_origins = names(self.allow_origins, file.allow_origins);
        Ok(())
    }
}

/// Fails when an allow rule admits another machine: without a password or a token, the
/// API (the control API included) would let anyone who can connect act as every account.
fn refuse_remote_rules(texts: &[&str], rules: &[AllowRule]) -> anyhow::Result<()> {
    match texts
        .iter()
        .zip(rules)
        .find(|(_, rule)| !rule.is_loopback_only())
    {
        Some((text, _)) => anyhow::bail!(
            "allow_from `{text}` lets other machines connect, but neither a password nor a \
             token is set, so anyone who can connect could act as every account: set \
             --password or --token, or pass --insecure-open to accept that"
        ),
        None => Ok(()),
    }
}
