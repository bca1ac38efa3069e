//! The pieces of the RFC 3986 URI grammar that EIP-4361 refers to.
//!
//! These are character-level checks (RFC 3986 §2–§3), enough to refuse text that cannot
//! be a URI, authority or statement; they do not resolve or normalize anything.

/// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (§2.3).
fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

/// `sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="` (§2.2).
fn is_sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// `gen-delims = ":" / "/" / "?" / "#" / "[" / "]" / "@"` (§2.2).
fn is_gen_delim(c: u8) -> bool {
    matches!(c, b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
}

/// Whether every byte is allowed by `allowed` or starts a `pct-encoded` triple (§2.1).
fn all_with_pct(text: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if allowed(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (§3.1).
pub(crate) fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|c| c.is_ascii_alphabetic())
        && bytes.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// `authority = [ userinfo "@" ] host [ ":" port ]` (§3.2), with a non-empty host.
pub(crate) fn is_authority(text: &str) -> bool {
    let (userinfo, host_port) = match text.rsplit_once('@') {
        Some((u, hp)) => (Some(u), hp),
        None => (None, text),
    };
    if let Some(u) = userinfo {
        if !all_with_pct(u, |c| is_unreserved(c) || is_sub_delim(c) || c == b':') {
            return false;
        }
    }
    let is_port = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
    if let Some(rest) = host_port.strip_prefix('[') {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]", checked by character only.
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        let literal = |c: u8| c.is_ascii_hexdigit() || matches!(c, b':' | b'.' | b'v' | b'V');
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return !inside.is_empty() && inside.bytes().all(literal) && port_ok;
    }
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, ""));
    let reg_name = |c: u8| is_unreserved(c) || is_sub_delim(c);
    !host.is_empty() && all_with_pct(host, reg_name) && is_port(port)
}

/// A `URI` (§3): a scheme, `:`, then only URI characters, at most one `#`.
pub(crate) fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    is_scheme(scheme)
        && rest.bytes().filter(|c| *c == b'#').count() <= 1
        && all_with_pct(rest, |c| {
            is_unreserved(c) || is_sub_delim(c) || is_gen_delim(c)
        })
}

/// EIP-4361 `statement = *( reserved / unreserved / " " )`: no `%`, no line breaks.
pub(crate) fn is_statement(text: &str) -> bool {
    text.bytes()
        .all(|c| is_unreserved(c) || is_sub_delim(c) || is_gen_delim(c) || c == b' ')
}

/// `*pchar` where `pchar = unreserved / pct-encoded / sub-delims / ":" / "@"` (§3.3).
pub(crate) fn is_pchar_text(text: &str) -> bool {
    all_with_pct(text, |c| {
        is_unreserved(c) || is_sub_delim(c) || c == b':' || c == b'@'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities() {
        for good in [
            "example.com",
            "example.com:3388",
            "api.sandbox.offblocks.xyz",
            "localhost:3000",
            "192.168.1.1:8080",
            "user:pass@example.com",
            "[::1]:8080",
            "[2001:db8::1]",
            "xn--bcher-kva.example",
        ] {
            assert!(is_authority(good), "{good}");
        }
        for bad in [
            "",
            ":80",
            "example.com:80a",
            "exa mple.com",
            "example.com/path",
            "[::1",
            "a@b@",
            "ex%zz.com",
        ] {
            assert!(!is_authority(bad), "{bad}");
        }
    }

    #[test]
    fn uris_and_schemes() {
        for good in [
            "https://example.com/login",
            "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
            "urn:uuid:5df359f0-d299-40a1-8023-17c77a50144c",
            "https://example.com/a%20b?x=1#frag",
            "did:pkh:eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
        ] {
            assert!(is_uri(good), "{good}");
        }
        for bad in [
            "",
            "example.com",
            "://x",
            "1http://x",
            "https://exa mple.com",
            "https://x/%g0",
            "a:#b#c",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
        assert!(is_scheme("git+ssh") && !is_scheme("") && !is_scheme("a_b"));
    }

    #[test]
    fn statements_and_pchars() {
        assert!(is_statement(
            "I accept the ExampleOrg Terms of Service: https://example.com/tos"
        ));
        assert!(!is_statement("line\nbreak"));
        assert!(!is_statement("100% sure"));
        assert!(!is_statement("quote \"x\""));
        assert!(is_pchar_text("") && is_pchar_text("request-123:a@b%20"));
        assert!(!is_pchar_text("a/b") && !is_pchar_text("a b"));
    }
}
