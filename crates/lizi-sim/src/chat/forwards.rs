//! Merged forwards (合并转发): the forwarded messages are kept as a bundle under a
//! `resid` (read back with `/getforwardedmsg`), and the chat receives the XML
//! multi-message card naming it ([`lizi_core::forward::card`]), as QQ shows it.

use lizi_core::{Event, Receipt, Uin};

use crate::control::social::BundleMessage;
use crate::error::SimError;
use crate::messages::Target;
use crate::social::cards::CardKind;
use crate::world::World;

impl World {
    /// `from` sends `messages` to `target` as one merged forward at `time`; answers the
    /// bundle's `resid`, the card message's receipt and its events. Nothing is kept when
    /// the bundle or the send is refused.
    pub fn send_forward(
        &mut self,
        from: Uin,
        target: Target,
        messages: &[BundleMessage],
        time: i64,
        random: i64,
    ) -> Result<(String, Receipt, Vec<Event>), SimError> {
        let bundle = self.bundle_of(messages, time)?;
        let card = lizi_core::forward::card(&bundle.resid);
        let (receipt, events) = self.send_card(from, target, CardKind::Xml, &card, time, random)?;
        let resid = bundle.resid.clone();
        self.bundles.insert(resid.clone(), bundle);
        Ok((resid, receipt, events))
    }
}
