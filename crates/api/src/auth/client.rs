//! What "Mes connexions" shows of a session: the device, summarised from the
//! User-Agent, and the network, masked from the client address. Neither is the raw
//! value: the list must help a family recognise its devices without storing more about
//! them than that.

use std::net::IpAddr;

/// "Chrome sur Android", "Safari sur iPhone", "Firefox sur Windows".
pub fn summarise_user_agent(user_agent: &str) -> String {
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let browser = [
        ("Edg", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS", "Firefox"),
        ("CriOS", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} sur {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("Navigateur sur {system}"),
        (None, None) => "Appareil inconnu".to_owned(),
    }
}

/// "réseau local" for private and loopback addresses, otherwise the /24 (IPv4) or /64
/// (IPv6) the address belongs to: enough to tell home from elsewhere, not the address.
pub fn network_of(address: &str) -> String {
    let Ok(address) = address.parse::<IpAddr>() else {
        return "réseau inconnu".to_owned();
    };
    let address = match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    };
    match address {
        IpAddr::V4(v4) => {
            if v4.is_private() || v4.is_loopback() || v4.is_link_local() {
                return "réseau local".to_owned();
            }
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            // Loopback, unique local (fc00::/7) and link-local (fe80::/10).
            if v6.is_loopback() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 {
                return "réseau local".to_owned();
            }
            let [a, b, c, d, ..] = v6.segments();
            let network = std::net::Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0);
            format!("{network}/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_are_named_with_their_system() {
        let cases = [
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome sur Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari sur iPhone",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox sur Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge sur Windows",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                "Chrome sur Linux",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
                "Safari sur macOS",
            ),
            ("curl/8.5.0", "Appareil inconnu"),
            ("", "Appareil inconnu"),
        ];
        for (user_agent, expected) in cases {
            assert_eq!(summarise_user_agent(user_agent), expected, "{user_agent}");
        }
    }

    #[test]
    fn networks_are_masked_and_private_ones_are_local() {
        assert_eq!(network_of("127.0.0.1"), "réseau local");
        assert_eq!(network_of("192.168.1.20"), "réseau local");
        assert_eq!(network_of("::1"), "réseau local");
        assert_eq!(network_of("fd12:3456::1"), "réseau local");
        assert_eq!(network_of("203.0.113.57"), "203.0.113.0/24");
        assert_eq!(network_of("::ffff:203.0.113.57"), "203.0.113.0/24");
        assert_eq!(network_of("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(network_of("unknown"), "réseau inconnu");
    }
}
