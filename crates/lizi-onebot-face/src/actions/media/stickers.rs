//! Favourite stickers (自定义表情): `fetch_custom_face` (all three implementations: the
//! URLs, newest first) and NapCat's `fetch_custom_face_detail`, `add_custom_face`,
//! `delete_custom_face`, `set_custom_face_desc`, through the control API's `stickers`,
//! `add_sticker`, `remove_sticker` and `describe_sticker` (XLZ has no endpoint for them).
//!
//! As NapCat: `add_custom_face` reads `file` as a local path only (read under the server's
//! media rules); `delete_custom_face` takes `ids`, else `res_id`, else `id` (one or a
//! list) and refuses `md5` alone; the changes answer NT's `{result, errMsg}`.

use lizi_core::param::MediaSource;
use lizi_onebot::action::{AddCustomFace, DeleteCustomFace, SetCustomFaceDesc, StickerDetail};
use serde_json::{json, Value};

use crate::actions::call::{data, Answer, Call};

/// How many stickers the fetch actions answer when `count` is not given.
const DEFAULT_COUNT: i64 = 48;

/// NT's answer to a change that worked.
fn nt_ok() -> Value {
    json!({ "result": 0, "errMsg": "" })
}

/// One text, or a list of texts, as a list.
fn texts(value: &Option<Value>) -> Option<Vec<String>> {
    match value.as_ref()? {
        Value::String(text) => Some(vec![text.clone()]),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
        ),
        _ => None,
    }
}

impl Call<'_> {
    /// The account's stickers, newest first, at most `count` (default 48).
    async fn stickers(
        &self,
        count: Option<i64>,
    ) -> Result<Vec<Value>, Box<lizi_onebot::ActionResponse>> {
        let view = self
            .control_json("stickers", json!({ "account": self.me() }))
            .await?;
        let count = usize::try_from(count.unwrap_or(DEFAULT_COUNT).max(0)).unwrap_or(usize::MAX);
        Ok(view["stickers"]
            .as_array()
            .into_iter()
            .flatten()
            .take(count)
            .cloned()
            .collect())
    }

    /// `fetch_custom_face`: the stickers' URLs (Lagrange.OneBot reads no `count`).
    pub(crate) async fn fetch_stickers(&self, count: Option<i64>) -> Answer {
        let count = match self.profile {
            lizi_onebot::Profile::Lagrange => Some(i64::MAX),
            _ => count,
        };
        let urls: Vec<Value> = self
            .stickers(count)
            .await?
            .iter()
            .map(|sticker| sticker["url"].clone())
            .collect();
        Ok(Value::Array(urls))
    }

    /// `fetch_custom_face_detail`: the stickers as NT describes them.
    pub(crate) async fn sticker_details(&self, count: Option<i64>) -> Answer {
        let details: Vec<StickerDetail> = self
            .stickers(count)
            .await?
            .iter()
            .map(|sticker| {
                let text = |key: &str| sticker[key].as_str().unwrap_or_default().to_owned();
                StickerDetail {
                    uin: self.me().to_string(),
                    emo_id: sticker["id"].as_i64().unwrap_or(0),
                    emo_path: String::new(),
                    is_exist: true,
                    res_id: text("res_id"),
                    url: text("url"),
                    md5: text("md5"),
                    emo_original_path: String::new(),
                    thumb_path: String::new(),
                    romaing_type: "isRomaing".into(),
                    is_apng: false,
                    is_mark_face: false,
                    e_id: String::new(),
                    ep_id: String::new(),
                    ocr_word: String::new(),
                    modify_word: text("desc"),
                    expose_num: 0,
                    click_num: 0,
                    desc: text("desc"),
                }
            })
            .collect();
        data(details)
    }

    /// `add_custom_face`: the picture at the local path `file` becomes a sticker.
    pub(crate) async fn add_sticker(&self, call: &AddCustomFace) -> Answer {
        let path = call.file.trim();
        if !path.starts_with('/') {
            return Err(self.failed(format!(
                "ENOENT: no such file or directory, stat '{path}' (add_custom_face takes a \
                 local path)"
            )));
        }
        let kept = self
            .store_media(&MediaSource::Path(path.to_owned()))
            .await?;
        let body = json!({ "account": self.me(), "md5": kept["hash"], "desc": "" });
        self.control_json("add_sticker", body).await?;
        Ok(nt_ok())
    }

    /// `delete_custom_face`: drops the stickers `ids`, `res_id` or `id` names.
    pub(crate) async fn delete_stickers(&self, call: &DeleteCustomFace) -> Answer {
        let ids = texts(&call.ids)
            .or_else(|| texts(&call.res_id))
            .or_else(|| texts(&call.id))
            .unwrap_or_default();
        if ids.is_empty() {
            return Err(self.failed("res_id or ids is required"));
        }
        let body = json!({ "account": self.me(), "res_ids": ids });
        self.control_json("remove_sticker", body).await?;
        Ok(nt_ok())
    }

    /// `set_custom_face_desc`: describes the sticker `emoji_id` (whose `res_id` and `md5`
    /// must be the ones given).
    pub(crate) async fn describe_sticker(&self, call: &SetCustomFaceDesc) -> Answer {
        let id: u32 = call.emoji_id.trim().parse().map_err(|_| {
            self.bad(format!(
                "parameter `emoji_id`: `{}` is not a number",
                call.emoji_id
            ))
        })?;
        let stickers = self.stickers(Some(i64::MAX)).await?;
        let known = stickers.iter().any(|s| {
            s["id"].as_u64() == Some(u64::from(id))
                && s["res_id"] == call.res_id.as_str()
                && s["md5"]
                    .as_str()
                    .is_some_and(|md5| md5.eq_ignore_ascii_case(&call.md5))
        });
        if !known {
            return Err(self.failed(format!(
                "{} keeps no sticker {id} with res_id {} and md5 {}",
                self.me(),
                call.res_id,
                call.md5
            )));
        }
        let body = json!({ "account": self.me(), "id": id, "desc": call.desc });
        self.control_json("describe_sticker", body).await?;
        Ok(nt_ok())
    }
}
