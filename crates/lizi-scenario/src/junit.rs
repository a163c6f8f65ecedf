//! JUnit XML for CI systems: one `<testcase>` per scenario, the failure's report in
//! `<failure>` (in `<error>` for a scenario a signal interrupted), the bot's output in
//! `<system-out>`. Written by hand: the format is a
//! handful of elements, and only text and attribute values need escaping.

use std::fmt::Write;

use super::report;
use super::runner::Outcome;

/// The JUnit XML document of a run.
pub fn document(outcomes: &[Outcome]) -> String {
    let errors = outcomes
        .iter()
        .filter(|o| o.interrupted().is_some())
        .count();
    let failures = outcomes.iter().filter(|o| o.failure.is_some()).count() - errors;
    let seconds: f64 = outcomes.iter().map(|o| o.duration.as_secs_f64()).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"lizi test\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{seconds:.3}\">",
        outcomes.len()
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"lizi test\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{seconds:.3}\">",
        outcomes.len()
    );
    for outcome in outcomes {
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\">",
            escape(&outcome.name),
            escape(&outcome.file),
            outcome.duration.as_secs_f64()
        );
        if let Some(failure) = &outcome.failure {
            let element = match outcome.interrupted() {
                Some(_) => "error",
                None => "failure",
            };
            let _ = write!(
                xml,
                "\n      <{element} message=\"{}\">{}</{element}>",
                escape(&failure.title),
                escape(&report::failure_report(outcome))
            );
        }
        if let Some(output) = outcome.bot_output.as_ref().filter(|o| !o.is_empty()) {
            let mut output = output.join("\n");
            output.push('\n');
            let _ = write!(xml, "\n      <system-out>{}</system-out>", escape(&output));
        }
        xml.push_str("\n    </testcase>\n");
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Escapes text for an XML attribute or element; characters XML 1.0 cannot hold at all
/// (most control characters) become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("a<b>&\"c'\u{1b}[0m\r"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}[0m&#13;"
        );
    }
}
