//! Carrying out the steps that act on the simulated network, through the control API.

use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};

use super::client::Conv;
use super::model::{Action, Recall, Say};
use super::runner::{Failure, Run};

impl Run {
    /// Carries out a step that acts (not an expectation); lizi's refusal fails the step.
    pub(crate) async fn act(&mut self, action: &Action) -> Result<(), String> {
        let account = self.account;
        match action {
            Action::Say(say) => self.say(say).await,
            Action::Join(join) => {
                let by = self.operator(join.by, join.group).await?;
                let asked = self
                    .lizi
                    .control(
                        "join_request",
                        json!({"from": join.join, "group": join.group}),
                    )
                    .await?;
                let seq = asked.get("seq").cloned().unwrap_or(Value::Null);
                self.lizi
                    .control("answer", json!({"user": by, "seq": seq, "accept": true}))
                    .await
                    .map(drop)
            }
            Action::Leave(leave) => {
                self.control("leave", json!({"user": leave.leave, "group": leave.group}))
                    .await
            }
            Action::Recall(recall) => self.recall(recall).await,
            Action::Kick(kick) => {
                let by = self.operator(kick.by, kick.group).await?;
                let body = json!({"operator": by, "group": kick.group, "member": kick.kick});
                self.control("kick", body).await
            }
            Action::Mute(mute) => {
                let by = self.operator(mute.by, mute.group).await?;
                let body = json!({
                    "operator": by, "group": mute.group, "member": mute.mute, "seconds": mute.seconds,
                });
                self.control("mute", body).await
            }
            Action::FriendRequest(asked) => {
                let body = json!({"from": asked.friend_request, "to": account, "text": asked.text});
                self.control("friend_request", body).await
            }
            Action::JoinRequest(asked) => {
                let body =
                    json!({"from": asked.join_request, "group": asked.group, "text": asked.text});
                self.control("join_request", body).await
            }
            Action::Invite(invite) => {
                let body = json!({"from": invite.invite, "to": account, "group": invite.group});
                self.control("invite", body).await
            }
            Action::Advance(advance) => {
                self.control("clock", json!({"advance_seconds": advance.advance}))
                    .await
            }
            Action::Wait(wait) => {
                tokio::time::sleep(Duration::from_millis(wait.wait)).await;
                Ok(())
            }
            Action::Expect(_) | Action::ExpectSilence(_) | Action::ExpectWorld(_) => Ok(()),
        }
    }

    async fn control(&self, action: &str, body: Value) -> Result<(), String> {
        self.lizi.control(action, body).await.map(drop)
    }

    /// The person who acts as owner or admin: `by`, else the group's owner.
    async fn operator(&self, by: Option<u64>, group: u64) -> Result<u64, String> {
        if let Some(by) = by {
            return Ok(by);
        }
        let view = self.lizi.view(&format!("group?gin={group}")).await?;
        view.get("owner")
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("group {group} has no owner to act; give `by`"))
    }

    /// A person says something (text, then a picture), maybe replying to the bot.
    async fn say(&mut self, say: &Say) -> Result<(), String> {
        let (conv, mut target) = match (say.group, say.temp) {
            (Some(group), false) => (Conv::Group(group), json!({"group": group})),
            (Some(group), true) => (
                Conv::Private(say.from),
                json!({"group": group, "to": self.account}),
            ),
            (None, _) => (Conv::Private(say.from), json!({"to": self.account})),
        };
        self.last_conv = Some(conv);
        target["from"] = json!(say.from);
        let mut text = say.say.clone();
        if say.reply {
            text = format!("{}{text}", self.reply_code(conv).await?);
        }
        if !text.is_empty() {
            let mut body = target.clone();
            body["text"] = json!(text);
            self.control("message", body).await?;
        }
        if let Some(path) = &say.picture {
            let bytes =
                std::fs::read(path).map_err(|e| format!("the picture {}: {e}", path.display()))?;
            target["base64"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
            self.control("send_picture", target).await?;
        }
        Ok(())
    }

    /// A person recalls their last message in a conversation (the last one with the
    /// step's text, if it gives one).
    async fn recall(&mut self, recall: &Recall) -> Result<(), String> {
        let conv = match recall.group {
            Some(group) => Conv::Group(group),
            None => Conv::Private(recall.recall),
        };
        self.last_conv = Some(conv);
        let messages = self.lizi.history(conv).await?;
        let message = messages
            .iter()
            .rev()
            .filter(|m| m.from == recall.recall && !m.recalled)
            .find(|m| recall.text.as_ref().is_none_or(|text| *text == m.text))
            .ok_or_else(|| match &recall.text {
                Some(text) => format!("{} has said no {text:?} in {conv} to recall", recall.recall),
                None => format!("{} has said nothing in {conv} to recall", recall.recall),
            })?;
        let mut body = json!({"user": recall.recall, "req": message.req, "random": message.random});
        match recall.group {
            Some(group) => body["group"] = json!(group),
            None => body["to"] = json!(self.account),
        }
        self.control("recall", body).await
    }

    /// The `[Reply,…]` code quoting the bot's last message in `conv`.
    async fn reply_code(&self, conv: Conv) -> Result<String, String> {
        let messages = self.lizi.history(conv).await?;
        let last = messages
            .iter()
            .rev()
            .find(|m| m.from == self.account)
            .ok_or_else(|| format!("the bot has said nothing in {conv} to reply to"))?;
        let content = last.text.replace('[', "\\u005b").replace(']', "\\u005d");
        Ok(format!(
            "[Reply,Content={content},SendQQID={},Req={},Random={},SendTime={}]",
            self.account, last.req, last.random, last.time
        ))
    }
}

impl Failure {
    /// A step lizi could not carry out.
    pub(crate) fn refused(label: String, reason: String) -> Failure {
        Failure::new(format!("{label}: lizi could not carry it out: {reason}"))
    }
}
