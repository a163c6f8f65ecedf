//! Typed response data of the media extensions (`download_file`, the rkey actions,
//! NapCat's favourite-sticker details): read leniently, written as each implementation
//! writes them.

use serde::{Deserialize, Serialize};

use crate::lenient::{de_bool, de_i64, de_opt_i64, de_opt_string, de_string};

/// `download_file` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DownloadedFile {
    /// Where the file was saved, on the implementation's host.
    #[serde(deserialize_with = "de_string")]
    pub file: String,
}

/// One rkey of NapCat's `get_rkey` (and of Lagrange.OneBot's `rkeys`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rkey {
    /// `private` or `group`.
    #[serde(rename = "type", deserialize_with = "de_string")]
    pub kind: String,
    /// The key, as it is appended to a media URL (`&rkey=…`).
    #[serde(deserialize_with = "de_string")]
    pub rkey: String,
    /// When it was made (unix seconds).
    #[serde(deserialize_with = "de_i64")]
    pub created_at: i64,
    /// Seconds it stays valid.
    #[serde(deserialize_with = "de_i64")]
    pub ttl: i64,
}

/// NapCat's `get_rkey_server` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RkeyServer {
    /// The private-chat key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub private_rkey: Option<String>,
    /// The group-chat key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_string"
    )]
    pub group_rkey: Option<String>,
    /// When the keys expire (unix seconds).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_opt_i64"
    )]
    pub expired_time: Option<i64>,
    /// The server's name (`NapCat 4`).
    #[serde(deserialize_with = "de_string")]
    pub name: String,
}

/// LLOneBot's `get_rkey` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RkeyPair {
    /// The private-chat key.
    #[serde(deserialize_with = "de_string")]
    pub private_key: String,
    /// The group-chat key.
    #[serde(deserialize_with = "de_string")]
    pub group_key: String,
    /// When the keys expire (unix seconds).
    #[serde(deserialize_with = "de_i64")]
    pub expired_time: i64,
    /// When they were fetched, local time `YYYY-MM-DD hh:mm:ss`.
    #[serde(deserialize_with = "de_string")]
    pub updated_time: String,
}

/// One favourite sticker of NapCat's `fetch_custom_face_detail`, as NT describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StickerDetail {
    /// The account's QQ number, as a string.
    #[serde(default, deserialize_with = "de_string")]
    pub uin: String,
    /// The sticker's number.
    #[serde(default, deserialize_with = "de_i64")]
    pub emo_id: i64,
    /// Its path on the implementation's host.
    #[serde(default, deserialize_with = "de_string")]
    pub emo_path: String,
    /// Whether the file is there.
    #[serde(default, deserialize_with = "de_bool")]
    pub is_exist: bool,
    /// QQ's resource id (what `delete_custom_face` takes).
    #[serde(default, deserialize_with = "de_string")]
    pub res_id: String,
    /// The URL serving the picture.
    #[serde(default, deserialize_with = "de_string")]
    pub url: String,
    /// The picture's MD5.
    #[serde(default, deserialize_with = "de_string")]
    pub md5: String,
    /// The original's path.
    #[serde(default, deserialize_with = "de_string")]
    pub emo_original_path: String,
    /// The thumbnail's path.
    #[serde(default, deserialize_with = "de_string")]
    pub thumb_path: String,
    /// Roaming kind (NT spells the key `RomaingType`).
    #[serde(rename = "RomaingType", default, deserialize_with = "de_string")]
    pub romaing_type: String,
    /// An animated PNG.
    #[serde(rename = "isAPNG", default, deserialize_with = "de_bool")]
    pub is_apng: bool,
    /// A market face.
    #[serde(default, deserialize_with = "de_bool")]
    pub is_mark_face: bool,
    /// Market face id.
    #[serde(default, deserialize_with = "de_string")]
    pub e_id: String,
    /// Market package id.
    #[serde(default, deserialize_with = "de_string")]
    pub ep_id: String,
    /// Text QQ read in it.
    #[serde(default, deserialize_with = "de_string")]
    pub ocr_word: String,
    /// The description set.
    #[serde(default, deserialize_with = "de_string")]
    pub modify_word: String,
    /// Times shown.
    #[serde(default, deserialize_with = "de_i64")]
    pub expose_num: i64,
    /// Times clicked.
    #[serde(default, deserialize_with = "de_i64")]
    pub click_num: i64,
    /// The description.
    #[serde(default, deserialize_with = "de_string")]
    pub desc: String,
}
