//! What the documentation tests share: reading Markdown ([`markdown`]) and walking a
//! document's examples against the real binary ([`walk`]).
#![allow(dead_code)]

pub mod markdown;
pub mod walk;

use std::path::PathBuf;

/// The documents a reader walks: the README and every chapter under `docs/`, as paths
/// relative to the workspace root.
pub fn documents() -> Vec<String> {
    let mut docs = vec!["README.md".to_owned()];
    let mut chapters: Vec<String> = std::fs::read_dir(walk::root().join("docs"))
        .expect("read docs/")
        .map(|entry| entry.expect("a docs/ entry").file_name())
        .filter_map(|name| name.to_str().map(str::to_owned))
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    chapters.sort();
    docs.extend(chapters);
    docs
}

/// The text of a document, by its path relative to the root.
pub fn read(doc: &str) -> String {
    std::fs::read_to_string(path(doc)).unwrap_or_else(|e| panic!("read {doc}: {e}"))
}

/// A document's path.
pub fn path(doc: &str) -> PathBuf {
    walk::root().join(doc)
}
