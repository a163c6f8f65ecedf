//! The scenario file of `lizi test`, as data: its steps, read (by `lizi test`) and
//! written (by the recorder) from the same types, and a recorded conversation turned
//! into a scenario file. Pure: no I/O, no server, no simulation, so that both the server
//! (which records) and `lizi test` (which runs the file) depend on it.

mod anonymise;
pub mod recording;
pub mod scenario;
pub mod steps;
pub mod text_match;
pub mod world;
mod write;

pub use recording::{
    touched, BotFaces, GroupSeen, MemberSeen, Observed, RecordOptions, Recording, Touched,
    WorldSeen,
};
pub use scenario::RecordedScenario;

/// Why a scenario file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the scenario could not be written as TOML: {0}")]
pub struct WriteError(#[from] toml::ser::Error);

/// The scenario a stopped recording becomes, named `name`: anonymised first when its
/// options ask, with the head notes saying what the file holds.
pub fn recorded_scenario(recording: &Recording, name: &str) -> RecordedScenario {
    let anonymised;
    let recording = if recording.options.anonymise {
        anonymised = anonymise::anonymised(recording);
        &anonymised
    } else {
        recording
    };
    let mut scenario = scenario::scenario(recording, name);
    let mut notes = vec![format!(
        "Recorded by lizi: {} steps from {} events over {:.1} s, as {} saw them.",
        scenario.steps.len(),
        recording.observed.len(),
        recording.stopped_ms as f64 / 1000.0,
        recording.account
    )];
    notes.push(
        "Run it with: lizi test <this file> --bot \"<the command that starts the bot>\"".into(),
    );
    if recording.options.anonymise {
        notes.push(
            "Real QQ numbers, group numbers, nicknames and cards were replaced by fixtures \
             (10001 lizi-bot, 20001 Alice, 20002 Bob, …, 30001 test group 1, …)."
                .into(),
        );
    } else if recording.real_accounts {
        notes.push(
            "WARNING: this file holds real QQ numbers, group numbers, nicknames and cards \
             (recorded with keep_ids). Do not share it."
                .into(),
        );
    }
    if recording.dropped > 0 {
        notes.push(format!(
            "The recording held more than {} events: the oldest {} were dropped, so the \
             steps start later than the conversation did.",
            recording.bound, recording.dropped
        ));
    }
    if recording.lost > 0 {
        notes.push(format!(
            "{} events were lost while recording (the recording fell behind the event \
             log): the file may miss steps.",
            recording.lost
        ));
    }
    notes.append(&mut scenario.notes);
    scenario.notes = notes;
    scenario
}

/// The scenario file of a stopped recording (see [`recorded_scenario`]).
pub fn scenario_file(recording: &Recording, name: &str) -> Result<String, WriteError> {
    Ok(write::to_toml(&recorded_scenario(recording, name))?)
}

#[cfg(test)]
mod tests;
