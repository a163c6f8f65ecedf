//! The Debian package: its `/etc/lizi/lizi.toml` is the one the settings generate (every
//! key of `lizi serve`, commented, with its help and default, so it cannot drift), every
//! default in it is a value the config file takes, and `packaging/build-deb` builds a
//! package that installs, runs `lizi --version`, whose unit `systemd-analyze verify`
//! accepts, and that removes cleanly.
//!
//! `LIZI_WRITE_PACKAGING=1 cargo test -p lizi --test operations package` writes
//! `packaging/lizi.toml` anew after a change of the settings.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::{ArgAction, Args};
use lizi::{ServeArgs, Settings};

use crate::common::Scratch;

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Flags that are not config-file keys.
const FLAGS_ONLY: &[&str] = &["config", "reset"];

/// The keys the service sets rather than leaves at their defaults, with their TOML values
/// and why.
const SERVICE_KEYS: &[(&str, &str, &str)] = &[(
    "data",
    "\"/var/lib/lizi\"",
    "The service's data folder (its StateDirectory): keep it so.",
)];

/// Value names whose values are numbers.
const NUMERIC: &[&str] = &[
    "N",
    "MS",
    "BYTES",
    "PER_MINUTE",
    "SECONDS",
    "SECONDS|never",
    "EVENTS",
];

/// One key of the config file, as the settings describe it.
struct Key {
    heading: String,
    name: String,
    flag: String,
    env: String,
    /// The help text without its `[default: …]`.
    help: String,
    /// The default as the help says it.
    default_text: String,
    /// Its default as a TOML value, when it is one value to write.
    default: Option<String>,
    /// A placeholder of the value's shape, for keys without a default to write.
    shape: String,
}

/// Every config-file key, in `--help`'s order.
fn keys() -> Vec<Key> {
    let command = ServeArgs::augment_args(clap::Command::new("lizi"));
    command
        .get_arguments()
        .filter(|arg| !FLAGS_ONLY.contains(&arg.get_id().as_str()))
        .map(|arg| {
            let name = arg.get_id().to_string();
            let text = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let (help, default) = text
                .rsplit_once(" [default: ")
                .and_then(|(help, rest)| Some((help, rest.strip_suffix(']')?)))
                .unwrap_or_else(|| panic!("--{name}: no [default: …] at the end of its help"));
            let value_name = arg
                .get_value_names()
                .and_then(|names| names.first())
                .map_or("VALUE", |name| name.as_str());
            let list = matches!(arg.get_action(), ArgAction::Append);
            let numeric = NUMERIC.contains(&value_name);
            let quote = |text: &str| {
                assert!(!text.contains(['"', '\\']), "--{name}: {text}");
                format!("\"{text}\"")
            };
            // `none`, `the built-in world`, `N, or … if that is larger`, `http://<listen
            // address>` say what the default is rather than give one value.
            let literal = |text: &str| match value_name {
                "BOOL" => ["true", "false"].contains(&text).then(|| text.to_owned()),
                _ if numeric => text.parse::<u64>().is_ok().then(|| text.to_owned()),
                _ if text == "none" || text.starts_with("the ") || text.contains('<') => None,
                _ => Some(quote(text)),
            };
            let default_text = default.to_owned();
            let default = literal(default).map(|value| match list {
                true => format!("[{value}]"),
                false => value,
            });
            // A placeholder: the value's name, as a string where the value is one.
            let shape = match (list, numeric) {
                (true, _) => format!("[{}]", quote(value_name)),
                (false, true) => value_name.to_owned(),
                (false, false) => quote(value_name),
            };
            Key {
                heading: arg.get_help_heading().unwrap_or("Options").to_owned(),
                flag: format!("--{}", arg.get_long().unwrap_or(&name)),
                env: arg
                    .get_env()
                    .map(|env| env.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                name,
                help: help.to_owned(),
                default_text,
                default,
                shape,
            }
        })
        .collect()
}

/// `text` as comment lines of at most 88 characters.
fn comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 88 && line.len() > 1 {
            let _ = writeln!(out, "{line}");
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    let _ = writeln!(out, "{line}");
}

/// The packaged `/etc/lizi/lizi.toml`.
fn generated_config() -> String {
    let mut out = String::new();
    comment(
        &mut out,
        "lizi's settings for the lizi service (lizi serve --config /etc/lizi/lizi.toml). \
         Every key of lizi serve is here, commented out with its default: remove the # to \
         set one. A flag or a LIZI_* variable given to lizi wins over this file; relative \
         paths here are relative to this file's folder. After a change: systemctl restart \
         lizi. docs/configuration.md describes every key.",
    );
    let mut heading = String::new();
    for key in keys() {
        if key.heading != heading {
            heading = key.heading.clone();
            let _ = writeln!(out, "\n# ---- {heading} ----");
        }
        out.push('\n');
        comment(&mut out, &key.help);
        let origin = format!("{}, {}; default: {}.", key.flag, key.env, key.default_text);
        comment(&mut out, &origin);
        match SERVICE_KEYS.iter().find(|(name, ..)| *name == key.name) {
            Some((name, value, why)) => {
                comment(&mut out, why);
                let _ = writeln!(out, "{name} = {value}");
            }
            None => {
                let value = key.default.as_deref().unwrap_or(&key.shape);
                let _ = writeln!(out, "#{} = {value}", key.name);
            }
        }
    }
    out
}

#[test]
fn the_packaged_config_is_the_one_the_settings_generate() {
    let path = root().join("packaging/lizi.toml");
    let generated = generated_config();
    if std::env::var_os("LIZI_WRITE_PACKAGING").is_some() {
        std::fs::write(&path, &generated).expect("write packaging/lizi.toml");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "packaging/lizi.toml is not what the settings generate; write it anew with\n  \
         LIZI_WRITE_PACKAGING=1 cargo test -p lizi --test operations package\n\
         generated:\n{generated}"
    );
}

#[test]
fn every_default_in_the_packaged_config_is_taken_by_the_config_file() {
    let scratch = Scratch::new("packaged-defaults");
    let keys = keys();
    assert!(keys.iter().any(|key| key.name == "listen"));
    let mut text = String::new();
    for key in &keys {
        if let Some(default) = &key.default {
            let _ = writeln!(text, "{} = {default}", key.name);
        }
    }
    let path = scratch.write("every-default.toml", &text);
    let settings = Settings::resolve(ServeArgs {
        config: Some(path.into()),
        ..ServeArgs::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}\n{text}"));
    assert_eq!(settings.listen.to_string(), "127.0.0.1:10429");

    // The packaged file as it is, the service's keys set, resolves too.
    let packaged = root().join("packaging/lizi.toml");
    let settings = Settings::resolve(ServeArgs {
        config: Some(packaged),
        ..ServeArgs::default()
    })
    .expect("packaging/lizi.toml");
    assert_eq!(settings.data, Path::new("/var/lib/lizi"));
}

/// Runs a command to the end; panics with its output unless it succeeds.
fn run(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?}: {}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Whether a program is on `PATH`.
fn available(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Removes the installed package, however the test ends.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = Command::new("dpkg").args(["--purge", "lizi"]).output();
    }
}

/// `systemd-analyze verify` of a unit: it must succeed and say nothing.
fn verify_unit(unit: &Path) {
    let output = run(Command::new("systemd-analyze").arg("verify").arg(unit));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.trim().is_empty(), "systemd-analyze verify: {said}");
}

#[test]
fn the_debian_package_installs_runs_and_removes() {
    let ci = std::env::var_os("CI").is_some();
    for tool in ["dpkg-deb", "systemd-analyze"] {
        if !available(tool) {
            assert!(!ci, "{tool} is missing: .ci/run installs it");
            eprintln!("skipped: {tool} is missing");
            return;
        }
    }
    let scratch = Scratch::new("deb");
    let binary = env!("CARGO_BIN_EXE_lizi");
    let built = run(Command::new(root().join("packaging/build-deb"))
        .args(["--binary", binary, "--out"])
        .arg(&scratch.0));
    let deb = PathBuf::from(stdout(&built));
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        deb.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&format!("lizi_{version}_")),
        "{}",
        deb.display()
    );

    let listing = stdout(&run(Command::new("dpkg-deb").arg("--contents").arg(&deb)));
    for file in [
        "./usr/bin/lizi",
        "./usr/lib/systemd/system/lizi.service",
        "./etc/lizi/lizi.toml",
        "./usr/share/doc/lizi/copyright",
    ] {
        assert!(
            listing.lines().any(|line| line.ends_with(file)),
            "{file} is not in the package:\n{listing}"
        );
    }
    assert!(
        listing.contains("root/root"),
        "files belong to root:\n{listing}"
    );
    let fields = stdout(&run(Command::new("dpkg-deb")
        .args(["--field"])
        .arg(&deb)
        .args(["Package", "Version", "Depends"])));
    assert!(fields.contains("Package: lizi"), "{fields}");
    assert!(fields.contains(&format!("Version: {version}")), "{fields}");
    assert!(fields.contains("Depends: libc6"), "{fields}");
    let conffiles = stdout(&run(Command::new("dpkg-deb")
        .arg("--info")
        .arg(&deb)
        .arg("conffiles")));
    assert_eq!(
        conffiles, "/etc/lizi/lizi.toml",
        "an operator's edits survive upgrades"
    );

    if ci || std::env::var_os("LIZI_TEST_INSTALL").is_some() {
        // Installed for real, as an operator would (CI runs as root on Debian).
        let _installed = Installed;
        run(Command::new("dpkg").arg("--install").arg(&deb));
        let said = stdout(&run(Command::new("/usr/bin/lizi").arg("--version")));
        assert_eq!(said, format!("lizi {version}"));
        let config = std::fs::read_to_string("/etc/lizi/lizi.toml").expect("/etc/lizi/lizi.toml");
        assert_eq!(config, generated_config());
        verify_unit(Path::new("/usr/lib/systemd/system/lizi.service"));
        run(Command::new("dpkg").args(["--purge", "lizi"]));
        assert!(!Path::new("/usr/bin/lizi").exists(), "removed");
        assert!(!Path::new("/usr/lib/systemd/system/lizi.service").exists());
    } else {
        // Elsewhere the package is unpacked into a folder rather than installed: the
        // unit is checked with its binary's path pointed there.
        let unpacked = scratch.path("unpacked");
        run(Command::new("dpkg-deb")
            .arg("--extract")
            .arg(&deb)
            .arg(&unpacked));
        let lizi = unpacked.join("usr/bin/lizi");
        let said = stdout(&run(Command::new(&lizi).arg("--version")));
        assert_eq!(said, format!("lizi {version}"));
        let unit = std::fs::read_to_string(unpacked.join("usr/lib/systemd/system/lizi.service"))
            .expect("the unit");
        assert!(unit.contains("ExecStart=/usr/bin/lizi serve --config /etc/lizi/lizi.toml"));
        let moved = scratch.path("lizi.service");
        std::fs::write(
            &moved,
            unit.replace("/usr/bin/lizi", lizi.to_str().unwrap()),
        )
        .expect("write the unit");
        verify_unit(&moved);
    }
}
