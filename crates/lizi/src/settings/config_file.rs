//! The TOML config file, read once and handed to every area of the settings: each area
//! reads its own keys from the same text, and a key that no area reads is refused.
//!
//! Why not one struct of `#[serde(flatten)]`ed areas: serde's `deny_unknown_fields` does
//! not work with `flatten`, and through `flatten` toml 0.8 reports a bad value at line 1,
//! column 1 of the file rather than at the value (tried: `listen = "nope"` on line 2).
//! Reading each area from the text keeps the value's line; the walk over the top-level
//! keys below refuses an unknown one at its line, in the words serde uses.
//!
//! Also how a flag's value meets the file's: flags (and their environment variables) win,
//! lists given as flags replace the file's, and relative paths in the file are relative
//! to the file.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A config file's text, or none.
#[derive(Debug, Default)]
pub struct ConfigFile {
    /// The file, when one was given.
    path: Option<PathBuf>,
    /// Its text (empty without a file).
    text: String,
}

impl ConfigFile {
    /// Reads the file at `path`, or stands for no file.
    pub fn read(path: Option<&Path>) -> anyhow::Result<ConfigFile> {
        let Some(path) = path else {
            return Ok(ConfigFile::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        Ok(ConfigFile {
            path: Some(path.to_path_buf()),
            text,
        })
    }

    /// A config file of this text, as if read from `lizi.toml`.
    #[cfg(test)]
    pub fn with_text(text: &str) -> ConfigFile {
        ConfigFile {
            path: Some(PathBuf::from("lizi.toml")),
            text: text.to_owned(),
        }
    }

    /// Reads the keys of one area (`T`'s fields), ignoring the others; a key missing
    /// from the file keeps `T`'s default.
    pub fn area<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        toml::from_str(&self.text).with_context(|| self.context())
    }

    /// Refuses a key that is not one of `known`, naming it and its line.
    pub fn refuse_unknown_keys(&self, known: &[String]) -> anyhow::Result<()> {
        KnownKeys(known)
            .deserialize(toml::Deserializer::new(&self.text))
            .with_context(|| self.context())
    }

    /// A path read from the file: a relative one is relative to the file's folder.
    pub fn path(&self, path: PathBuf) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(folder) if path.is_relative() => folder.join(path),
            _ => path,
        }
    }

    fn context(&self) -> String {
        let path = self.path.as_deref().unwrap_or(Path::new(""));
        format!("config file {}", path.display())
    }
}

/// The list given as flags (or in the environment), else the file's.
pub fn flags_or_file<T>(flags: Vec<T>, file: Vec<T>) -> Vec<T> {
    if flags.is_empty() {
        file
    } else {
        flags
    }
}

/// The URLs given as flags, else the file's, without empty ones; each must start with one
/// of `schemes`, or the error is `refusal(url)`.
pub fn urls(
    flags: Vec<String>,
    file: Vec<String>,
    schemes: &[&str],
    refusal: impl Fn(&str) -> String,
) -> anyhow::Result<Vec<String>> {
    let urls: Vec<String> = flags_or_file(flags, file)
        .into_iter()
        .filter(|url| !url.trim().is_empty())
        .collect();
    for url in &urls {
        anyhow::ensure!(
            schemes.iter().any(|scheme| url.starts_with(scheme)),
            refusal(url)
        );
    }
    Ok(urls)
}

/// Reads a config-file value that parses from text (`flush = "normal"`).
pub fn parse_text<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: fmt::Display,
{
    let text: Option<String> = Option::deserialize(deserializer)?;
    text.map(|t| t.parse().map_err(serde::de::Error::custom))
        .transpose()
}

/// Walks the file's top-level keys, refusing one not known, the way serde refuses an
/// unknown field (so the parser points at it).
struct KnownKeys<'a>(&'a [String]);

impl<'de> DeserializeSeed<'de> for KnownKeys<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for KnownKeys<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a table of settings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(KnownKey(self.0))?.is_some() {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// One top-level key, refused unless known.
struct KnownKey<'a>(&'a [String]);

impl<'de> DeserializeSeed<'de> for KnownKey<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KnownKey<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a setting's name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<(), E> {
        if self.0.iter().any(|known| known == key) {
            return Ok(());
        }
        let expected: Vec<String> = self.0.iter().map(|known| format!("`{known}`")).collect();
        Err(E::custom(format!(
            "unknown field `{key}`, expected one of {}",
            expected.join(", ")
        )))
    }
}
