//! A recorded scenario written as a scenario file: the head comment with what the file
//! holds and what was left out, the settings, the `[world]`, then one `[[step]]` table
//! per step with a comment saying what was seen.

use std::fmt::Write;

use serde::Serialize;

use crate::scenario::RecordedScenario;
use crate::steps::Action;

/// The fields of a step, in the order of its type (the naming key first).
fn fields(action: &Action) -> Result<toml::Table, toml::ser::Error> {
    fn table(value: &impl Serialize) -> Result<toml::Table, toml::ser::Error> {
        toml::Table::try_from(value)
    }
    match action {
        Action::Say(step) => table(step),
        Action::Join(step) => table(step),
        Action::Leave(step) => table(step),
        Action::Recall(step) => table(step),
        Action::Kick(step) => table(step),
        Action::Mute(step) => table(step),
        Action::FriendRequest(step) => table(step),
        Action::JoinRequest(step) => table(step),
        Action::Invite(step) => table(step),
        Action::Advance(step) => table(step),
        Action::Wait(step) => table(step),
        Action::Expect(step) => table(step),
        Action::ExpectSilence(step) => table(step),
        Action::ExpectWorld(step) => table(step),
    }
}

/// One comment line per line of `text`.
fn comment(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "# {line}");
    }
}

/// The scenario file's text.
pub fn to_toml(scenario: &RecordedScenario) -> Result<String, toml::ser::Error> {
    let mut out = String::new();
    for note in &scenario.notes {
        comment(&mut out, note);
    }
    if !scenario.notes.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "name = {}", toml::Value::from(scenario.name.as_str()));
    let _ = writeln!(out, "account = {}", scenario.account);
    if scenario.onebot {
        out.push_str("onebot = true\n");
    }
    if let Some(url) = &scenario.onebot_reverse_url {
        let _ = writeln!(
            out,
            "onebot_reverse_url = {}",
            toml::Value::from(url.as_str())
        );
    }
    out.push('\n');
    #[derive(Serialize)]
    struct World<'a> {
        world: &'a crate::world::WorldTable,
    }
    out.push_str(&toml::to_string(&World {
        world: &scenario.world,
    })?);
    for step in &scenario.steps {
        out.push_str("\n[[step]]\n");
        if let Some(text) = &step.comment {
            comment(&mut out, text);
        }
        for (key, value) in fields(&step.action)? {
            let _ = writeln!(out, "{key} = {value}");
        }
    }
    Ok(out)
}
