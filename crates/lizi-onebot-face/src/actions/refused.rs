//! The registered actions the simulated network cannot do, each with the sentence that
//! says why: the implementations register them, so a profile answers them with a failure
//! naming the reason (never as an unknown action), after checking their parameters as the
//! implementation does. They have no row in the action table: lizi reads none of their
//! parameters. The README's action table shows them from here.

/// Actions refused for one reason.
pub(crate) struct Refusal {
    /// Why the simulated network cannot do them.
    pub why: &'static str,
    /// The actions (every profile's names).
    pub actions: &'static [&'static str],
}

/// Every refused action, by reason.
pub(crate) const REFUSALS: &[Refusal] = &[
    Refusal {
        why: "the simulated network has no group albums",
        actions: &[
            "get_qun_album_list",
            "get_group_album_media_list",
            "upload_image_to_qun_album",
            "del_group_album_media",
            "set_group_album_media_like",
            "cancel_group_album_media_like",
            "do_group_album_comment",
            "create_group_album",
            "delete_group_album",
            "get_group_album_list",
            "upload_group_album",
        ],
    },
    Refusal {
        why: "the simulated network has no flash transfers (QQ's file sets shared by link)",
        actions: &[
            "create_flash_task",
            "send_flash_msg",
            "get_flash_file_list",
            "get_flash_file_url",
            "get_share_link",
            "get_fileset_info",
            "get_fileset_id",
            "download_fileset",
            "upload_flash_file",
            "download_flash_file",
            "get_flash_file_info",
        ],
    },
    Refusal {
        why: "the simulated network has no online (peer-to-peer) file transfers: send a file \
              with upload_private_file",
        actions: &[
            "send_online_file",
            "send_online_folder",
            "get_online_file_msg",
            "receive_online_file",
            "refuse_online_file",
            "cancel_online_file",
        ],
    },
    Refusal {
        why: "the simulated network has no Qzone",
        actions: &["send_qzone_msg", "delete_qzone_msg"],
    },
    Refusal {
        why: "the simulated network has no QQ favourites (collections)",
        actions: &["create_collection", "get_collection_list"],
    },
    Refusal {
        why: "the simulated network has no group to-do items",
        actions: &["set_group_todo", "complete_group_todo", "cancel_group_todo"],
    },
    Refusal {
        why: "the simulated network speaks no QQ protocol: there are no packets to send",
        actions: &[
            "send_packet",
            ".send_packet",
            "send_pb",
            "nc_get_packet_status",
        ],
    },
    Refusal {
        why: "lizi answers no action as a stream: fetch a file whole (get_file, its URL) and \
              upload it whole",
        actions: &[
            "download_file_stream",
            "download_file_image_stream",
            "download_file_record_stream",
            "upload_file_stream",
            "clean_stream_temp_file",
            "test_download_stream",
        ],
    },
    Refusal {
        why: "the simulated network has no official QQ bots (their keyboards, callbacks and \
              settings)",
        actions: &[
            "click_inline_keyboard_button",
            "send_group_bot_callback",
            "set_group_bot_status",
            "set_group_robot_add_option",
        ],
    },
    Refusal {
        why: "a mini-program or music card needs QQ's signing server, which the simulated \
              network does not have",
        actions: &["get_mini_app_ark", "get_music_ark"],
    },
    Refusal {
        why: "QQ's contact-recommendation cards come from QQ's servers; the simulated network \
              makes none",
        actions: &[
            "ArkSharePeer",
            "ArkShareGroup",
            "send_ark_share",
            "send_group_ark_share",
        ],
    },
    Refusal {
        why: "the simulated network has no translation or speech recognition: it cannot \
              make up what QQ's servers would answer",
        actions: &["translate_en2zh", "voice_msg_to_text", "fetch_ptt_text"],
    },
    Refusal {
        why: "the simulated network has no emoji chains (表情接龙): react to the message with \
              set_group_reaction",
        actions: &[".join_friend_emoji_chain", ".join_group_emoji_chain"],
    },
    Refusal {
        why: "the simulated network has no sticker store (market faces and their \
              recommendations)",
        actions: &["fetch_mface_key", "get_recommend_face"],
    },
    Refusal {
        why: "the simulated network keeps no NT extended group record: get_group_info and \
              get_group_detail_info answer what it knows",
        actions: &["get_group_info_ex"],
    },
    Refusal {
        why: "the simulated network has no custom (DIY) online status: set_online_status sets \
              the standard ones",
        actions: &["set_diy_online_status"],
    },
    Refusal {
        why: "the simulated network keeps no per-group join options or search settings",
        actions: &["set_group_add_option", "set_group_search"],
    },
    Refusal {
        why: "the simulated network's group files are all permanent: there is no temporary \
              file to keep",
        actions: &["set_group_file_forever", "trans_group_file"],
    },
    Refusal {
        why: "lizi keeps no list of recent chats: read a chat with get_group_msg_history or \
              get_friend_msg_history",
        actions: &["get_recent_contact"],
    },
    Refusal {
        why: "lizi's settings are its command line and world file, not the implementation's \
              configuration: see `lizi --help`",
        actions: &["get_config", "set_config", "llonebot_debug"],
    },
    Refusal {
        why: "the simulated network reads no text in pictures: QQ's OCR service is not \
              simulated",
        actions: &["ocr_image", ".ocr_image"],
    },
    Refusal {
        why: "the simulated network has no AI voices: QQ's speech service is not simulated",
        actions: &["get_ai_record", "send_group_ai_record", "get_ai_characters"],
    },
    Refusal {
        why: "lizi does not restart or exit on a bot's request: restart the process; the event \
              log keeps what connections have not received",
        actions: &["set_restart", "bot_exit"],
    },
];

/// Why the simulated network cannot do `action`, when it is refused.
pub(crate) fn refusal(action: &str) -> Option<&'static str> {
    REFUSALS
        .iter()
        .find(|refusal| refusal.actions.contains(&action))
        .map(|refusal| refusal.why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_is_refused_for_one_reason() {
        let mut names: Vec<_> = REFUSALS.iter().flat_map(|r| r.actions).collect();
        let all = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all, "an action listed twice");
        assert_eq!(
            refusal("send_qzone_msg"),
            Some("the simulated network has no Qzone")
        );
        assert_eq!(refusal("send_group_msg"), None);
    }
}
