//! The human report: a progress line per scenario, each failure in full (the step, what
//! was expected, what happened, the conversation, the bot's output), and the summary.

use std::fmt::Write;

use super::runner::Outcome;

/// The most lines of the bot's output a report shows (the last ones).
pub const OUTPUT_TAIL: usize = 20;

/// `PASS`, `FAIL` or `INTERRUPTED`.
fn verdict(outcome: &Outcome) -> &'static str {
    match (&outcome.failure, outcome.interrupted()) {
        (None, _) => "PASS",
        (Some(_), None) => "FAIL",
        (Some(_), Some(_)) => "INTERRUPTED",
    }
}

/// `PASS examples/ping.toml: ping gets pong (0.31 s)`.
pub fn progress_line(outcome: &Outcome) -> String {
    format!(
        "{} {}: {} ({:.2} s)",
        verdict(outcome),
        outcome.file,
        outcome.name,
        outcome.duration.as_secs_f64()
    )
}

/// A failed scenario in full; empty for one that passed.
pub fn failure_report(outcome: &Outcome) -> String {
    let Some(failure) = &outcome.failure else {
        return String::new();
    };
    let mut text = format!("{} {}: {}\n", verdict(outcome), outcome.file, outcome.name);
    let _ = writeln!(text, "  {}", failure.title);
    for line in &failure.details {
        let _ = writeln!(text, "  {line}");
    }
    if let Some((conv, lines)) = &failure.transcript {
        if lines.is_empty() {
            let _ = writeln!(text, "  {conv}: no messages");
        } else {
            let _ = writeln!(text, "  the last messages of {conv}:");
            for line in lines {
                let _ = writeln!(text, "    {line}");
            }
        }
    }
    if let Some(output) = &outcome.bot_output {
        text.push_str(&output_tail(output));
    }
    text
}

/// The last lines of the bot's output, under a heading.
fn output_tail(output: &[String]) -> String {
    if output.is_empty() {
        return "  the bot printed nothing\n".to_owned();
    }
    let start = output.len().saturating_sub(OUTPUT_TAIL);
    let mut text = if start == 0 {
        "  the bot's output:\n".to_owned()
    } else {
        format!("  the bot's output (the last {OUTPUT_TAIL} lines):\n")
    };
    for line in &output[start..] {
        let _ = writeln!(text, "    | {line}");
    }
    text
}

/// `3 passed, 1 failed`, and `, 2 interrupted` when a signal stopped the run.
pub fn summary(outcomes: &[Outcome]) -> String {
    let interrupted = outcomes
        .iter()
        .filter(|o| o.interrupted().is_some())
        .count();
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count() - interrupted;
    let passed = outcomes.len() - failed - interrupted;
    if interrupted == 0 {
        return format!("{passed} passed, {failed} failed");
    }
    format!("{passed} passed, {failed} failed, {interrupted} interrupted")
}
