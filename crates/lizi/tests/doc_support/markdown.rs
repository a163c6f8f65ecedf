//! Reading the documentation as text: its shell and TOML blocks in order, its links, its
//! headings' anchors (by GitHub's rules), and answers shown in the shape lizi's must have.

use std::collections::HashMap;

/// One thing a reader of a document does, in document order.
#[derive(Debug)]
pub enum Item {
    /// A TOML block whose first line is `# <name>.toml`: the file to write first.
    File { name: String, text: String },
    /// One command of a ```sh block (continuation lines joined), and the answer the
    /// document shows beneath it (a `# {…}` or `# […]` comment), if any.
    Command { line: String, shown: Option<String> },
}

/// The shell commands and named TOML files of `text`, in order.
pub fn items(text: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut block: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        let fence = line.trim_start();
        if let Some(info) = fence.strip_prefix("```") {
            match block.take() {
                None => block = Some((info.trim().to_owned(), Vec::new())),
                Some((info, lines)) => match info.as_str() {
                    "sh" => items.extend(commands(&lines)),
                    "toml" => items.extend(named_file(&lines)),
                    _ => {}
                },
            }
            continue;
        }
        if let Some((_, lines)) = block.as_mut() {
            lines.push(line);
        }
    }
    items
}

fn named_file(lines: &[&str]) -> Option<Item> {
    let name = lines.first()?.trim().strip_prefix("# ")?;
    let is_name = name.ends_with(".toml") && !name.contains(char::is_whitespace);
    is_name.then(|| Item::File {
        name: name.to_owned(),
        text: lines[1..].iter().map(|l| format!("{l}\n")).collect(),
    })
}

fn commands(lines: &[&str]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut pending = String::new();
    for line in lines {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            let answer = comment.trim_start();
            if pending.is_empty() && (answer.starts_with('{') || answer.starts_with('[')) {
                if let Some(Item::Command { shown, .. }) = items.last_mut() {
                    if shown.is_none() {
                        *shown = Some(answer.to_owned());
                    }
                }
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        pending.push_str(trimmed);
        items.push(Item::Command {
            line: std::mem::take(&mut pending),
            shown: None,
        });
    }
    items
}

/// Whether `actual` has the shape `shown`: `...` and `…` stand for any text, and a number
/// shown stands for any number (ids, times and randoms differ from run to run).
pub fn matches(shown: &str, actual: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        Char(char),
        Any,
        Number,
    }
    let mut tokens = Vec::new();
    let mut rest = shown;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("...") {
            tokens.push(Token::Any);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('…') {
            tokens.push(Token::Any);
            rest = after;
        } else if c.is_ascii_digit() {
            tokens.push(Token::Number);
            rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        } else {
            tokens.push(Token::Char(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    let text: Vec<char> = actual.chars().collect();
    // reachable[j]: the tokens so far can match text[..j].
    let mut reachable = vec![false; text.len() + 1];
    reachable[0] = true;
    for token in tokens {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            if !reachable[j] {
                continue;
            }
            match token {
                Token::Any => next[j..].iter_mut().for_each(|r| *r = true),
                Token::Char(c) => {
                    if text.get(j) == Some(&c) {
                        next[j + 1] = true;
                    }
                }
                Token::Number => {
                    let digits = text[j..].iter().take_while(|c| c.is_ascii_digit()).count();
                    if digits > 0 {
                        next[j + digits] = true;
                    }
                }
            }
        }
        reachable = next;
    }
    reachable[text.len()]
}

/// The text of `markdown` outside fenced code blocks, with inline code spans blanked, so
/// that links and paths are read only where a reader sees them as such.
pub fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if !fenced {
            out.push_str(&blank_code_spans(line));
        }
        out.push('\n');
    }
    out
}

/// `line` with the content of every inline code span replaced by spaces.
fn blank_code_spans(line: &str) -> String {
    code_spans(line)
        .into_iter()
        .map(|(text, code)| {
            if code {
                " ".repeat(text.chars().count())
            } else {
                text
            }
        })
        .collect()
}

/// `line` cut into pieces, each marked whether it is an inline code span (delimiters
/// included): a run of N backticks opens a span that the next run of exactly N closes.
pub fn code_spans(line: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = line.chars().collect();
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            text.push(chars[i]);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&c| c == '`').count();
        let mut j = i + run;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let other = chars[j..].iter().take_while(|&&c| c == '`').count();
                if other == run {
                    close = Some(j);
                    break;
                }
                j += other;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                pieces.push((std::mem::take(&mut text), false));
                pieces.push((chars[i..end + run].iter().collect(), true));
                i = end + run;
            }
            None => {
                text.extend(&chars[i..i + run]);
                i += run;
            }
        }
    }
    pieces.push((text, false));
    pieces
}

/// The targets of the inline links and images of `markdown` (`[text](target)`), outside
/// code.
pub fn link_targets(markdown: &str) -> Vec<String> {
    let text = prose(markdown);
    let mut targets = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(end) if !after[..end].contains(char::is_whitespace) => {
                targets.push(after[..end].to_owned());
                rest = &after[end..];
            }
            _ => rest = after,
        }
    }
    targets
}

/// The anchors GitHub gives the headings of `markdown`: the heading's text as shown,
/// lower-cased, with everything but letters, digits, spaces, `-` and `_` removed and spaces
/// made `-`; a repeated anchor gets `-1`, `-2`… appended.
pub fn anchors(markdown: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut anchors = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if fenced || hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let slug = slug(line[hashes..].trim());
        let count = seen.entry(slug.clone()).or_insert(0);
        anchors.push(if *count == 0 {
            slug.clone()
        } else {
            format!("{slug}-{count}")
        });
        *count += 1;
    }
    anchors
}

/// The anchor of one heading's text (see [`anchors`]).
pub fn slug(heading: &str) -> String {
    shown_text(heading)
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// A heading's text as a reader sees it: code spans without their backticks, links as
/// their text.
fn shown_text(heading: &str) -> String {
    let mut text = String::new();
    for (piece, code) in code_spans(heading) {
        if code {
            text.push_str(piece.trim_matches('`'));
            continue;
        }
        let mut rest = piece.as_str();
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find("](") else {
                break;
            };
            let Some(end) = rest[open + close..].find(')') else {
                break;
            };
            text.push_str(&rest[..open]);
            text.push_str(&rest[open + 1..open + close]);
            rest = &rest[open + close + end + 1..];
        }
        text.push_str(rest);
    }
    text
}
