//! Which peers may talk to lizi at all: loopback always, others when an `allow_from` rule
//! admits them.

use std::net::IpAddr;
use std::str::FromStr;

/// A remote address or network allowed to connect (`192.168.1.5`, `10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowRule {
    network: IpAddr,
    prefix: u8,
}

/// An allow rule that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IP address or network (e.g. 192.168.1.5 or 10.0.0.0/8)")]
pub struct AllowRuleError(String);

impl FromStr for AllowRule {
    type Err = AllowRuleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || AllowRuleError(text.to_owned());
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr = address.parse().map_err(|_| error())?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(error)?,
            None => width,
        };
        Ok(AllowRule { network, prefix })
    }
}

impl AllowRule {
    /// Whether `address` is inside this rule.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(address),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(addr)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(addr) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(addr)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(addr) & mask
            }
            _ => false,
        }
    }

    /// Whether every address this rule admits is a loopback address (`127.0.0.0/8` and
    /// narrower, `::1`), so that it lets no other machine in.
    pub fn is_loopback_only(&self) -> bool {
        match self.network {
            IpAddr::V4(net) => net.is_loopback() && self.prefix >= 8,
            IpAddr::V6(net) => match net.to_ipv4_mapped() {
                Some(v4) => v4.is_loopback() && self.prefix >= 96 + 8,
                None => net.is_loopback() && self.prefix == 128,
            },
        }
    }
}

/// Whether a peer may talk to lizi at all: loopback always, others when a rule allows.
pub fn peer_allowed(peer: IpAddr, rules: &[AllowRule]) -> bool {
    let canonical = match peer {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(peer),
        v4 => v4,
    };
    canonical.is_loopback() || rules.iter().any(|rule| rule.contains(canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let rule: AllowRule = "10.1.0.0/16".parse().unwrap();
        assert!(rule.contains("10.1.2.3".parse().unwrap()));
        assert!(!rule.contains("10.2.0.1".parse().unwrap()));
        assert!(rule.contains("::ffff:10.1.9.9".parse().unwrap()));
        assert!("1.2.3.4/33".parse::<AllowRule>().is_err());
        assert!("nonsense".parse::<AllowRule>().is_err());
        for loopback in ["127.0.0.1", "127.0.0.0/8", "::1", "::ffff:127.0.0.1"] {
            assert!(
                loopback.parse::<AllowRule>().unwrap().is_loopback_only(),
                "{loopback}"
            );
        }
        for remote in [
            "127.0.0.0/7",
            "10.0.0.1",
            "0.0.0.0/0",
            "::/0",
            "::ffff:127.0.0.0/95",
        ] {
            assert!(
                !remote.parse::<AllowRule>().unwrap().is_loopback_only(),
                "{remote}"
            );
        }
        let any: AllowRule = "0.0.0.0/0".parse().unwrap();
        assert!(any.contains("8.8.8.8".parse().unwrap()));
        assert!(peer_allowed("127.0.0.5".parse().unwrap(), &[]));
        assert!(peer_allowed("::1".parse().unwrap(), &[]));
        assert!(!peer_allowed("192.0.2.1".parse().unwrap(), &[]));
    }
}
