//! The XML multi-message card QQ shows for a merged forward (聊天记录), which names the
//! forwarded bundle by its `m_resid`: what XLZ clients receive for a forward and pass to
//! `/getforwardedmsg`. The simulated network sends it for the forwards it carries, the
//! bridge writes it for a `forward` segment, and lizi's OneBot face reads the `resid` back.

/// The card naming bundle `resid` (characters that would break the XML are left out).
pub fn card(resid: &str) -> String {
    let resid: String = resid.chars().filter(|c| !"\"<>&".contains(*c)).collect();
    format!(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><msg serviceID=\"35\" \
         templateID=\"1\" action=\"viewMultiMsg\" brief=\"[聊天记录]\" m_resid=\"{resid}\" \
         m_fileName=\"{resid}\" tSum=\"0\" flag=\"3\" multiMsgFlag=\"0\"><item layout=\"1\">\
         <title>聊天记录</title><summary>查看转发消息</summary></item><source name=\"聊天记录\"/>\
         </msg>"
    )
}

/// The `resid` a multi-message card names; `None` for any other XML.
pub fn resid(xml: &str) -> Option<String> {
    let xml = xml.trim();
    if !xml.starts_with('<') || !xml.contains("action=\"viewMultiMsg\"") {
        return None;
    }
    let start = xml.find("m_resid=\"")? + "m_resid=\"".len();
    let length = xml[start..].find('"')?;
    let resid = &xml[start..start + length];
    (!resid.is_empty()).then(|| resid.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_names_its_bundle_and_reads_back() {
        let xml = card("RES_1\"x");
        assert!(xml.contains("m_resid=\"RES_1x\""), "{xml}");
        assert_eq!(resid(&xml).as_deref(), Some("RES_1x"));
        assert_eq!(resid("<msg serviceID=\"1\" m_resid=\"x\"/>"), None);
        assert_eq!(resid("hello"), None);
        assert_eq!(resid(&card("")), None);
    }
}
