//! The documentation holds together: every chapter's examples run as shown (as the
//! README's do, see `readme.rs`), every relative link and `#anchor` resolves, and no
//! document cites a file the repository does not have.

mod common;
mod doc_support;

use std::path::Path;

use doc_support::markdown::{anchors, code_spans, link_targets, prose, slug};
use doc_support::walk::{root, Walk};
use doc_support::{documents, read};

/// Walks one chapter's examples; each chapter is its own test, so they run in parallel.
fn walk(doc: &str) {
    let ran = Walk::run(doc);
    eprintln!("{doc}: {ran} commands ran");
}

#[test]
fn simulation_examples_run_as_shown() {
    walk("docs/simulation.md");
}

#[test]
fn onebot_face_examples_run_as_shown() {
    walk("docs/onebot-face.md");
}

#[test]
fn bridge_examples_run_as_shown() {
    walk("docs/bridge.md");
}

#[test]
fn lizi_test_examples_run_as_shown() {
    walk("docs/lizi-test.md");
}

#[test]
fn configuration_examples_run_as_shown() {
    walk("docs/configuration.md");
}

#[test]
fn operations_examples_run_as_shown() {
    walk("docs/operations.md");
}

#[test]
fn the_other_chapters_examples_run_as_shown() {
    let walked = [
        "README.md",
        "docs/simulation.md",
        "docs/onebot-face.md",
        "docs/bridge.md",
        "docs/lizi-test.md",
        "docs/configuration.md",
        "docs/operations.md",
    ];
    for doc in documents() {
        if !walked.contains(&doc.as_str()) {
            walk(&doc);
        }
    }
}

#[test]
fn anchors_follow_githubs_rules() {
    assert_eq!(
        slug("The listeners' protections"),
        "the-listeners-protections"
    );
    assert_eq!(
        slug("Testing a bot: `lizi test`"),
        "testing-a-bot-lizi-test"
    );
    assert_eq!(
        slug("`_async` and `_rate_limited`"),
        "_async-and-_rate_limited"
    );
    assert_eq!(slug("Full disk and I/O errors"), "full-disk-and-io-errors");
    assert_eq!(slug("Lagrange.OneBot"), "lagrangeonebot");
    assert_eq!(slug("EventMsg types"), "eventmsg-types");
    assert_eq!(
        slug("[Links](x.md) keep their text"),
        "links-keep-their-text"
    );
    assert_eq!(
        anchors("# A\n## A\n```\n# not a heading\n```\n### A"),
        ["a", "a-1", "a-2"]
    );
}

/// Every relative link of the README and the chapters names a file or folder of the
/// repository, and every `#anchor` a heading of the document it points into.
#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut checked = 0;
    for doc in documents() {
        let text = read(&doc);
        let dir = Path::new(&doc).parent().expect("a folder").to_path_buf();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let linked = if file.is_empty() {
                doc.clone()
            } else {
                dir.join(file).to_str().expect("UTF-8").to_owned()
            };
            let path = root().join(&linked);
            assert!(
                path.exists(),
                "{doc}: the link {target} names no file ({linked})"
            );
            if let Some(anchor) = anchor {
                assert!(
                    linked.ends_with(".md"),
                    "{doc}: the link {target} has an anchor into a file that is not Markdown"
                );
                let headings = anchors(&std::fs::read_to_string(&path).expect("read"));
                assert!(
                    headings.iter().any(|h| h == anchor),
                    "{doc}: the link {target} names no heading of {linked}; its anchors: {headings:?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

/// The names of documents that live outside the repository, which no document may cite.
const OUTSIDE: &[&str] = &["wire.md", "onebot.md", "DESIGN.md", "seed-api.md"];

/// Every repository path a document writes in code (`crates/…`, `examples/…`, `docs/…`,
/// `bench/…`, `.ci/…`) exists, and no document cites a file from outside the repository.
/// `docs/` is flat: a deeper `docs/…/…` is another repository's (the OneBot sources cite
/// go-cqhttp's `docs/api/README.md`).
#[test]
fn no_document_cites_a_missing_file() {
    let roots = ["crates/", "examples/", "docs/", "bench/", ".ci/"];
    for doc in documents() {
        let text = read(&doc);
        for name in OUTSIDE {
            let cited = text
                .match_indices(name)
                .any(|(at, _)| at == 0 || !text[..at].ends_with(['-', '/', '_']));
            assert!(!cited, "{doc} cites {name}, which is not in the repository");
        }
        for line in text.lines() {
            for (piece, code) in code_spans(line) {
                let path = piece.trim_matches('`');
                let upstream = path.starts_with("docs/") && path[5..].contains('/');
                let looks_like_path = code
                    && !upstream
                    && roots.iter().any(|r| path.starts_with(r))
                    && !path.contains(|c: char| c.is_whitespace() || "<>…*{}".contains(c));
                if looks_like_path {
                    assert!(
                        root().join(path).exists(),
                        "{doc} cites `{path}`, which is not in the repository"
                    );
                }
            }
        }
        assert!(!prose(&text).is_empty(), "{doc} is empty");
    }
}

/// The sources (every `.rs`, `.js`, `.py` and `.toml` under `crates/`, `examples/`,
/// `bench/` and `packaging/`) cite no document from outside the repository either, and
/// every `docs/….md#anchor` they name is a heading of that chapter.
#[test]
fn no_source_cites_a_missing_document() {
    let mut sources = Vec::new();
    for top in ["crates", "examples", "bench", "packaging"] {
        collect_sources(&root().join(top), &mut sources);
    }
    assert!(sources.len() > 100, "only {} sources found", sources.len());
    let this_file = root().join("crates/lizi/tests/docs.rs");
    let mut cited = 0;
    for source in sources.iter().filter(|s| **s != this_file) {
        let text = std::fs::read_to_string(source).expect("read a source");
        let shown = source.strip_prefix(root()).unwrap_or(source).display();
        for name in OUTSIDE {
            let found = text
                .match_indices(name)
                .any(|(at, _)| at == 0 || !text[..at].ends_with(['-', '/', '_', '.']));
            assert!(
                !found,
                "{shown} cites {name}, which is not in the repository"
            );
        }
        for (at, _) in text.match_indices("docs/") {
            let rest = &text[at..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "/._-#".contains(c)))
                .unwrap_or(rest.len());
            let cite = rest[..end].trim_end_matches(['.', ',']);
            let (file, anchor) = cite.split_once('#').unwrap_or((cite, ""));
            if !file.ends_with(".md") || file[5..].contains('/') {
                continue;
            }
            let chapter = root().join(file);
            assert!(
                chapter.exists(),
                "{shown} cites {file}, which does not exist"
            );
            if !anchor.is_empty() {
                let headings = anchors(&std::fs::read_to_string(&chapter).expect("read"));
                assert!(
                    headings.iter().any(|h| h == anchor),
                    "{shown} cites {cite}, which names no heading of {file}"
                );
            }
            cited += 1;
        }
    }
    assert!(
        cited > 50,
        "only {cited} citations of the docs found in the sources"
    );
}

/// Every source file under `dir`, build output left out.
fn collect_sources(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != "node_modules" {
                collect_sources(&path, into);
            }
        } else if ["rs", "js", "py", "toml"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext))
        {
            into.push(path);
        }
    }
}

/// Each chapter opens with its own table of contents: a list of links to its headings.
#[test]
fn every_chapter_has_a_table_of_contents() {
    for doc in documents().iter().filter(|d| d.starts_with("docs/")) {
        let text = read(doc);
        let headings = anchors(&text);
        let sections: Vec<&String> = headings.iter().skip(1).collect();
        for section in sections.iter().filter(|s| {
            // Second-level headings: the ones a reader navigates by.
            text.lines()
                .any(|l| l.starts_with("## ") && &slug(&l[3..]) == **s)
        }) {
            assert!(
                text.contains(&format!("](#{section})")),
                "{doc}: its table of contents has no link to #{section}"
            );
        }
    }
}
