//! What the simulated network cannot do honestly, and so refuses, saying why: reading the
//! text in a picture (`ocr_image`, `.ocr_image`: QQ's OCR service) and QQ's AI voices
//! (`get_ai_characters`, `get_ai_record`, `send_group_ai_record`: QQ's speech service). A
//! made-up answer would pass a bot's test and fail on QQ, so each fails (never as an
//! unknown action) in the profiles whose implementation has it.

use lizi_onebot::action::GetAiCharacters;
use lizi_onebot::Profile;

use crate::actions::call::{Answer, Call};

/// Why `ocr_image` fails.
const NO_OCR: &str =
    "the simulated network reads no text in pictures: QQ's OCR service is not simulated";

/// Why the AI voice actions fail.
const NO_AI_VOICE: &str =
    "the simulated network has no AI voices: QQ's speech service is not simulated";

impl Call<'_> {
    /// `ocr_image` and `.ocr_image`.
    pub(crate) fn ocr(&self) -> Answer {
        Err(self.failed(NO_OCR))
    }

    /// `get_ai_record` and `send_group_ai_record`.
    pub(crate) fn ai_voice(&self) -> Answer {
        Err(self.failed(NO_AI_VOICE))
    }

    /// `get_ai_characters` (NapCat requires `group_id`; the others default it to 42).
    pub(crate) fn ai_characters(&self, call: &GetAiCharacters) -> Answer {
        if call.group_id.is_none() && self.profile == Profile::NapCat {
            return Err(self.bad("parameter `group_id`: is required"));
        }
        Err(self.failed(NO_AI_VOICE))
    }
}
