//! lizi's settings: command-line flags over environment variables over the TOML config
//! file over defaults.
//!
//! One module per area, each under its own heading of `--help`: the area's flags (whose
//! names, in snake case, are also its config-file keys) and how they resolve. This module
//! gathers the areas into the flags of `lizi serve` and the resolved [`Settings`].

mod bridge;
mod config_file;
mod logging;
mod media;
mod onebot_face;
mod push;
mod security;
mod server;
mod storage;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Command};
use lizi_api::ApiConfig;
use lizi_onebot_face::FaceConfig;
use lizi_sim::MessageLimits;
use lizi_store::StoreConfig;

pub use bridge::{BridgeFlags, DEFAULT_ACCEPT};
pub use logging::{LogFormat, Logging, LoggingFlags};
pub use media::MediaFlags;
pub use onebot_face::OneBotFaceFlags;
pub use push::PushFlags;
pub use security::SecurityFlags;
pub use server::{BackendKind, ServerFlags, DEFAULT_LISTEN};
pub use storage::{Idle, StorageFlags, DEFAULT_DATA};

use config_file::ConfigFile;

/// The flags that are not config-file keys.
const FLAGS_ONLY: &[&str] = &["config", "reset"];

/// Flags of `lizi serve`; each but `--config` and `--reset` is also an environment
/// variable and a config-file key.
#[derive(Debug, Default, Clone, Args)]
pub struct ServeArgs {
    /// TOML config file with any of the keys below [default: none].
    #[arg(long, env = "LIZI_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where lizi listens, what does the QQ work, and the limits of a request.
    #[command(flatten)]
    pub server: ServerFlags,
    /// The data folder and what is kept.
    #[command(flatten)]
    pub storage: StorageFlags,
    /// Who may call the API.
    #[command(flatten)]
    pub security: SecurityFlags,
    /// Where events are POSTed.
    #[command(flatten)]
    pub push: PushFlags,
    /// Where pictures and files may come from.
    #[command(flatten)]
    pub media: MediaFlags,
    /// The OneBot v11 face.
    #[command(flatten)]
    pub onebot: OneBotFaceFlags,
    /// The `onebot` backend's bridge to real accounts.
    #[command(flatten)]
    pub bridge: BridgeFlags,
    /// What is logged.
    #[command(flatten)]
    pub logging: LoggingFlags,
}

/// The config file's keys: the names of the flags of `lizi serve`, but `config` and
/// `reset`.
pub fn config_keys() -> Vec<String> {
    ServeArgs::augment_args(Command::new("lizi"))
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .filter(|id| !FLAGS_ONLY.contains(&id.as_str()))
        .collect()
}

/// Fully resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Listen address.
    pub listen: SocketAddr,
    /// Data folder.
    pub data: PathBuf,
    /// World fixture, if any.
    pub world: Option<PathBuf>,
    /// The log filter and the lines' form.
    pub log: Logging,
    /// API layer settings.
    pub api: ApiConfig,
    /// Store settings.
    pub store: StoreConfig,
    /// The most one message may hold.
    pub limits: MessageLimits,
    /// Whether to empty the data folder first.
    pub reset: bool,
    /// OneBot face settings.
    pub onebot: FaceConfig,
    /// Which backend does the QQ work.
    pub backend: BackendKind,
    /// Where the `onebot` backend accepts implementations.
    pub onebot_accept: SocketAddr,
    /// The forward WebSocket URLs the `onebot` backend dials.
    pub onebot_connect: Vec<String>,
    /// How the `onebot` backend takes the implementations' events.
    pub bridge_receiving: lizi_bridge::ReceiveConfig,
    /// How fast the `onebot` backend sends.
    pub bridge_pacing: lizi_bridge::PacingConfig,
    /// Whether the `onebot` backend sends flash pictures as ordinary ones where the
    /// implementation cannot send flash pictures.
    pub bridge_flash_as_picture: bool,
}

impl Settings {
    /// Resolves flags and environment (already merged by clap) over the config file.
    pub fn resolve(args: ServeArgs) -> anyhow::Result<Settings> {
        let file = ConfigFile::read(args.config.as_deref())?;
        file.refuse_unknown_keys(&config_keys())?;
        let mut api = ApiConfig::default();
        args.security.resolve(file.area()?, &file, &mut api)?;
        args.push.resolve(file.area()?, &mut api)?;
        args.media.resolve(file.area()?, &file, &mut api)?;
        let server = args.server.resolve(file.area()?, &file, &mut api)?;
        let storage = args.storage.resolve(file.area()?, &file);
        let onebot = args.onebot.resolve(file.area()?)?;
        let bridge = args.bridge.resolve(file.area()?)?;
        let log = args.logging.resolve(file.area()?);
        api.port_config()
            .context("allow_hosts, allow_origins or public_url")?;
        Ok(Settings {
            listen: server.listen,
            data: storage.data,
            world: server.world,
            log,
            api,
            store: storage.store,
            limits: server.limits,
            reset: storage.reset,
            onebot,
            backend: server.backend,
            onebot_accept: bridge.accept,
            onebot_connect: bridge.connect,
            bridge_receiving: bridge.receiving,
            bridge_pacing: bridge.pacing,
            bridge_flash_as_picture: bridge.flash_as_picture,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The areas whose flags include `key`: those that refuse a table as its value.
    fn areas_reading(key: &str) -> Vec<&'static str> {
        let file = ConfigFile::with_text(&format!("{key} = {{ x = 1 }}\n"));
        [
            ("server", file.area::<ServerFlags>().is_err()),
            ("storage", file.area::<StorageFlags>().is_err()),
            ("security", file.area::<SecurityFlags>().is_err()),
            ("push", file.area::<PushFlags>().is_err()),
            ("media", file.area::<MediaFlags>().is_err()),
            ("onebot face", file.area::<OneBotFaceFlags>().is_err()),
            ("bridge", file.area::<BridgeFlags>().is_err()),
            ("logging", file.area::<LoggingFlags>().is_err()),
        ]
        .into_iter()
        .filter_map(|(area, reads)| reads.then_some(area))
        .collect()
    }

    #[test]
    fn every_flag_but_config_and_reset_is_a_key_of_exactly_one_area() {
        let mut keys = config_keys();
        for key in &keys {
            assert_eq!(
                areas_reading(key).len(),
                1,
                "{key}: {:?}",
                areas_reading(key)
            );
        }
        for flag in FLAGS_ONLY {
            assert!(!keys.contains(&flag.to_string()));
            assert!(areas_reading(flag).is_empty(), "{flag}");
        }
        // The keys of every lizi so far, each still read.
        let mut known = [
            "listen",
            "data",
            "world",
            "password",
            "token",
            "allow_from",
            "insecure_open",
            "report_urls",
            "max_body_bytes",
            "max_text_chars",
            "max_card_bytes",
            "key_access",
            "log",
            "flush",
            "max_lag_events",
            "max_lag_bytes",
            "lag_policy",
            "session_idle",
            "cache_events",
            "cache_bytes",
            "history_cache_bytes",
            "media_dirs",
            "fetch_max_bytes",
            "fetch_timeout_ms",
            "fetch_allow_private",
            "public_url",
            "tls_ca_file",
            "max_params",
            "header_timeout_ms",
            "idle_timeout_ms",
            "max_connections",
            "ws_ping_interval_ms",
            "ws_timeout_ms",
            "record_max_events",
            "onebot_listen",
            "onebot_token",
            "onebot_profile",
            "onebot_reverse_urls",
            "onebot_reconnect_ms",
            "onebot_heartbeat_ms",
            "onebot_message_format",
            "onebot_report_self",
            "onebot_forget_ids",
            "onebot_post_urls",
            "onebot_secret",
            "onebot_post_timeout_ms",
            "onebot_drop_while_disconnected",
            "onebot_media_base64",
            "backend",
            "onebot_accept",
            "onebot_connect",
            "bridge_drop_minor_notices",
            "bridge_account_rate",
            "bridge_group_rate",
            "bridge_send_wait_ms",
            "bridge_flash_as_picture",
            "log_format",
            "bridge_duplicate_window",
            "bridge_duplicate_window_s",
            "bridge_refill_budget_ms",
            "body_timeout_ms",
            "max_body_memory_bytes",
            "allow_hosts",
            "allow_origins",
        ];
        known.sort_unstable();
        keys.sort_unstable();
        assert_eq!(keys, known);
    }

    #[test]
    fn help_groups_the_flags_by_area_and_writes_every_default_one_way() {
        let mut command = ServeArgs::augment_args(Command::new("lizi"));
        let help = command.render_long_help().to_string();
        let headings: Vec<&str> = help
            .lines()
            .filter(|line| !line.starts_with(' ') && line.ends_with(':'))
            .collect();
        assert_eq!(
            headings,
            [
                "Options:",
                "Server:",
                "Storage:",
                "Security:",
                "Push:",
                "Media:",
                "OneBot face:",
                "Bridge:",
                "Logging:"
            ]
        );
        for arg in command.get_arguments() {
            if !arg.get_action().takes_values() {
                continue;
            }
            let text = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let default = text
                .rsplit_once("[default: ")
                .and_then(|(_, rest)| rest.strip_suffix(']'))
                .unwrap_or_else(|| panic!("--{}: no [default: …] at the end", arg.get_id()));
            let boolean = arg.get_value_names() == Some(&["BOOL".into()]);
            if boolean {
                assert_eq!(default, "false", "--{}", arg.get_id());
            } else {
                assert!(
                    !["off", "false", "no"].contains(&default),
                    "--{}",
                    arg.get_id()
                );
            }
        }
    }

    #[test]
    fn an_unknown_key_or_a_bad_value_is_refused_at_its_line() {
        let refusal = |text: &str| {
            let file = ConfigFile::with_text(text);
            let error = match file.refuse_unknown_keys(&config_keys()) {
                Ok(()) => file.area::<ServerFlags>().expect_err("refused"),
                Err(error) => error,
            };
            format!("{error:#}")
        };
        for text in [
            "log = \"info\"\nreset = true\n",
            "log = \"info\"\nlisten_on = 1\n",
        ] {
            let error = refusal(text);
            assert!(error.starts_with("config file lizi.toml: "), "{error}");
            assert!(error.contains("line 2, column 1"), "{error}");
            assert!(error.contains("unknown field"), "{error}");
            assert!(error.contains("`listen`, `backend`"), "{error}");
        }
        let error = refusal("log = \"info\"\nlisten = \"nope\"\n");
        assert!(error.contains("line 2, column 10"), "{error}");
        assert!(error.contains("invalid socket address syntax"), "{error}");
    }

    #[test]
    fn flags_win_over_the_file_and_file_paths_are_relative_to_it() {
        let folder = std::env::temp_dir().join(format!("lizi-settings-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("folder");
        let config = folder.join("lizi.toml");
        std::fs::write(
            &config,
            "data = \"d\"\nworld = \"w.toml\"\nlog = \"debug\"\nlog_format = \"json\"\nmax_text_chars = 7\n\
             report_urls = [\"http://a/\"]\nonebot_heartbeat_ms = 9\nbridge_group_rate = 4\n",
        )
        .expect("config");
        let args = ServeArgs {
            config: Some(config),
            logging: LoggingFlags {
                log: Some("warn".into()),
                ..Default::default()
            },
            push: PushFlags {
                report_urls: vec!["http://b/".into()],
            },
            ..Default::default()
        };
        let settings = Settings::resolve(args).expect("settings");
        let _ = std::fs::remove_dir_all(&folder);
        assert_eq!(settings.data, folder.join("d"));
        assert_eq!(settings.world, Some(folder.join("w.toml")));
        assert_eq!(settings.log.filter, "warn");
        assert_eq!(settings.log.format, LogFormat::Json);
        assert_eq!(settings.limits.text_chars, 7);
        assert_eq!(settings.api.report_urls, ["http://b/"]);
        assert_eq!(settings.onebot.heartbeat_ms, 9);
        assert_eq!(settings.bridge_pacing.group_per_minute, 4);
    }
}
