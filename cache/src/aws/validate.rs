//! Checks of key parameters: each refuses only what cannot be valid for the SDK, and changes
//! nothing (no case folding, no trimming, no trailing-slash removal): two spellings the SDK
//! treats as two configurations stay two keys.
//!
//! Every error names the parameter and says what to do. Values are quoted in messages except
//! credentials, which are never echoed.

use super::error::Error;

/// Names the key builder reserves: an extra parameter may not reuse one.
pub(crate) const RESERVED: &[&str] = &[
    "service",
    "region",
    "profile",
    "endpoint_url",
    "credentials",
    "retry_config",
    "timeout_config",
    "use_fips",
    "use_dual_stack",
    "app_name",
    "behavior_version",
    "resource_type",
    "resource_id",
];

/// A service name as the SDK and boto3 spell it: `s3`, `dynamodb`, `sso-oidc`. Lowercase ASCII
/// letters, digits and `-`, 1 to 64 characters, starting with a letter or digit.
pub(crate) fn service(name: &str) -> Result<(), Error> {
    let fail = |why: &str| {
        Err(Error::invalid_key(
            "service",
            format!(
                "`{}` {why}",
                crate::label::display_label(name.escape_debug())
            ),
        ))
    };
    if name.is_empty() {
        return Err(Error::invalid_key(
            "service",
            "the service name is empty; name the service as its SDK crate does, e.g. `s3` for \
             aws-sdk-s3",
        ));
    }
    if name.len() > 64 {
        return fail("is longer than 64 characters; use the service's short name, e.g. `s3`");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || name.starts_with('-')
    {
        return fail(
            "is not a service name: use lowercase letters, digits and `-` as the SDK crate \
             names do, e.g. `s3`, `dynamodb`, `sso-oidc` (names are not case-folded)",
        );
    }
    Ok(())
}

/// A region: a host name made of labels of 1 to 63 ASCII letters, digits and `-` (not at
/// either end), as the endpoint rules' `isValidHostLabel` requires, since the region becomes
/// part of the endpoint's host name. Case is kept: `US-EAST-1` is a different key from
/// `us-east-1`, as the SDK would build a different endpoint.
pub(crate) fn region(region: &str) -> Result<(), Error> {
    if region.is_empty() {
        return Err(Error::invalid_key(
            "region",
            "the region is empty; give one such as `us-east-1`, or leave the region unset",
        ));
    }
    let valid = region.len() <= 253
        && region.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !valid {
        return Err(Error::invalid_key(
            "region",
            format!(
                "`{}` cannot be a region: a region becomes part of the endpoint's host name, so \
                 it must be letters, digits and `-`, like `us-east-1`",
                crate::label::display_label(region.escape_debug())
            ),
        ));
    }
    Ok(())
}

/// An endpoint URL: `http://` or `https://` (scheme in any case), a host with no empty label
/// (or a well-formed bracketed IPv6 literal), a port from 0 to 65535 if any, no whitespace or
/// control characters, and no `user:password@` part (it would be a secret in every label). The
/// path, query and trailing `/` are kept as given.
pub(crate) fn endpoint_url(url: &str) -> Result<(), Error> {
    // A URL with an `@` anywhere is never echoed, however malformed: `user:password@` may
    // hide in it before the checks below can tell where its authority part is.
    let shown = if url.contains('@') {
        "the URL (not shown: it contains `@`, which may carry a password)".to_string()
    } else {
        format!("`{}`", crate::label::display_label(url.escape_debug()))
    };
    let fail = |why: &str| Err(Error::invalid_key("endpoint_url", format!("{shown} {why}")));
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return fail("contains whitespace or a control character; give the URL without them");
    }
    let rest = match url.find("://") {
        Some(at) if matches_scheme(&url[..at]) => &url[at + 3..],
        _ => {
            return fail(
                "is not an absolute http(s) URL; give one such as `https://s3.example.com` or \
                 `http://127.0.0.1:9000`",
            );
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        // Do not echo it: the user-info part may be a password.
        return Err(Error::invalid_key(
            "endpoint_url",
            "the URL has a `user:password@` part, which would appear in logs; remove it and \
             pass credentials with the `credentials` parameter",
        ));
    }
    // The port follows the last `:` that is not inside an IPv6 literal (`[::1]:9000`).
    let (host, port) = match authority.rfind(':') {
        Some(at) if !authority[at..].contains(']') => {
            (&authority[..at], Some(&authority[at + 1..]))
        }
        _ => (authority, None),
    };
    if host.is_empty() {
        return fail("has no host; give one such as `https://s3.example.com`");
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return fail(
                "has a port that is not a number; give one such as `http://127.0.0.1:9000`",
            );
        }
        if let Err(cause) = port.parse::<u16>() {
            let why = "has a port above 65535; give a port from 0 to 65535";
            return Err(Error::invalid_key_from(
                "endpoint_url",
                format!("{shown} {why}"),
                cause,
            ));
        }
    }
    if let Some(literal) = host.strip_prefix('[') {
        let inner = literal.strip_suffix(']').unwrap_or(literal);
        let why = "has a malformed IPv6 literal; write it in brackets, such as `http://[::1]:9000`";
        if !literal.ends_with(']') {
            return fail(why);
        }
        if let Err(cause) = inner.parse::<std::net::Ipv6Addr>() {
            return Err(Error::invalid_key_from(
                "endpoint_url",
                format!("{shown} {why}"),
                cause,
            ));
        }
        return Ok(());
    }
    if host.contains(['[', ']']) {
        return fail("has a bracket outside an IPv6 literal; give a host name or `[v6 address]`");
    }
    // One trailing dot is the DNS root of a fully qualified name: allowed.
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.split('.').any(str::is_empty) {
        return fail(
            "has an empty host label (a leading dot, or two dots in a row); give a host name \
             such as `s3.example.com`",
        );
    }
    Ok(())
}

fn matches_scheme(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
}

/// A profile name: not empty, no control characters, no surrounding whitespace (a profile
/// file's section header cannot produce either).
pub(crate) fn profile(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.trim() != name || name.chars().any(char::is_control) {
        return Err(Error::invalid_key(
            "profile",
            format!(
                "`{}` cannot be a profile name; give the name as it appears in ~/.aws/config, \
                 without surrounding spaces, e.g. `prod`",
                crate::label::display_label(name.escape_debug())
            ),
        ));
    }
    Ok(())
}

/// An app name, with the SDK's own rule (`aws_types::app_name::AppName::new`): 1 or more
/// ASCII letters, digits or ``!#$%&'*+-.^_`|~``.
pub(crate) fn app_name(name: &str) -> Result<(), Error> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(valid_char) {
        return Err(Error::invalid_key(
            "app_name",
            format!(
                "`{}` is not a valid app name: the SDK accepts ASCII letters, digits and \
                 !#$%&'*+-.^_`|~, e.g. `billing-service`",
                crate::label::display_label(name.escape_debug())
            ),
        ));
    }
    Ok(())
}

/// A behavior version, named by its date as the SDK names them: `2026-01-12` for
/// `BehaviorVersion::v2026_01_12()`.
pub(crate) fn behavior_version(version: &str) -> Result<(), Error> {
    let bytes = version.as_bytes();
    let valid = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !valid {
        return Err(Error::invalid_key(
            "behavior_version",
            format!(
                "`{}` is not a behavior version; name it by its date, e.g. `2026-01-12` for \
                 BehaviorVersion::v2026_01_12()",
                crate::label::display_label(version.escape_debug())
            ),
        ));
    }
    Ok(())
}

/// An extra parameter's name: a lowercase identifier (`force_path_style`), at most 64
/// characters, not one of the builder's own parameters.
pub(crate) fn param_name(name: &str) -> Result<(), Error> {
    let identifier = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !identifier {
        return Err(Error::invalid_key(
            "parameter name",
            format!(
                "`{}` is not a parameter name; use the service config setter's name in \
                 snake_case, e.g. `force_path_style`",
                crate::label::display_label(name.escape_debug())
            ),
        ));
    }
    if RESERVED.contains(&name) {
        return Err(Error::invalid_key(
            "parameter name",
            format!(
                "`{}` is a parameter of the key itself; use its own setter instead",
                crate::label::display_label(name)
            ),
        ));
    }
    Ok(())
}

/// A resource's type or id: not empty, no control characters.
pub(crate) fn resource_part(parameter: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() || value.chars().any(char::is_control) {
        return Err(Error::invalid_key(
            parameter,
            format!(
                "`{}` is empty or has control characters; name the resource as the service \
                 does, e.g. type `bucket` and id `my-bucket`",
                crate::label::display_label(value.escape_debug())
            ),
        ));
    }
    Ok(())
}

/// An expiration for static credentials: there must be static credentials, and it must be in
/// the future (checked against the system clock, which the expiration is given in).
pub(crate) fn credentials_expiry(
    expiration: std::time::SystemTime,
    credentials: Option<&super::key::CredentialsId>,
) -> Result<(), Error> {
    if !matches!(credentials, Some(super::key::CredentialsId::Static(_))) {
        return Err(Error::invalid_key(
            "credentials_expiry",
            "an expiration needs static credentials: set them with `credentials` first (a \
             credentials provider refreshes its own and needs none)",
        ));
    }
    if let Err(past) = expiration.duration_since(std::time::SystemTime::now()) {
        return Err(Error::invalid_key(
            "credentials_expiry",
            format!(
                "the credentials expired {} s ago; a client built from them would fail every \
                 call: get fresh credentials",
                past.duration().as_secs()
            ),
        ));
    }
    Ok(())
}

/// Credentials: a non-empty access key id of visible ASCII, a non-empty secret, and a session
/// token that is non-empty when given. Never echoes a value.
pub(crate) fn credentials(
    access_key_id: &str,
    secret_access_key: &str,
    session_token: Option<&str>,
) -> Result<(), Error> {
    if access_key_id.is_empty() || !access_key_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_key(
            "credentials",
            "the access key id is empty or has characters other than visible ASCII; give the id \
             as IAM shows it (e.g. AKIA...)",
        ));
    }
    if secret_access_key.is_empty() {
        return Err(Error::invalid_key(
            "credentials",
            "the secret access key is empty; give the secret that belongs to the access key id",
        ));
    }
    if session_token == Some("") {
        return Err(Error::invalid_key(
            "credentials",
            "the session token is empty; pass None for long-term credentials",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_follow_the_sdk_crates() {
        for ok in ["s3", "dynamodb", "sso-oidc", "ec2", "route53"] {
            service(ok).unwrap();
        }
        for bad in ["", "S3", "s3 ", "-s3", "s3/x", "s_3", &"a".repeat(65)] {
            assert!(service(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn regions_must_be_host_names_and_keep_their_case() {
        for ok in ["us-east-1", "eu-west-2", "cn-north-1", "US-EAST-1", "local"] {
            region(ok).unwrap();
        }
        for bad in [
            "",
            "us east 1",
            "us-east-1/",
            "-us",
            "us-",
            "a..b",
            "us_east_1",
            "ü",
        ] {
            assert!(region(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn endpoint_urls_must_be_absolute_http_without_user_info() {
        for ok in [
            "http://127.0.0.1:9000",
            "https://s3.example.com/",
            "HTTPS://s3.example.com/path?x=1",
            "http://[::1]:9000",
            "http://localhost",
        ] {
            endpoint_url(ok).unwrap();
        }
        for bad in [
            "",
            "127.0.0.1:9000",
            "ftp://x",
            "http://",
            "http:// x",
            "http:///path",
            "http://:80",
            "http://localhost:port",
        ] {
            assert!(endpoint_url(bad).is_err(), "{bad:?}");
        }
        let err = endpoint_url("https://user:hunter2@s3.example.com")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn other_strings_follow_the_sdks_rules() {
        profile("prod").unwrap();
        assert!(profile(" prod").is_err() && profile("").is_err() && profile("a\nb").is_err());
        app_name("billing-service").unwrap();
        assert!(app_name("foo bar").is_err() && app_name("").is_err());
        behavior_version("2026-01-12").unwrap();
        assert!(behavior_version("latest").is_err() && behavior_version("2026-1-12").is_err());
        param_name("force_path_style").unwrap();
        for bad in ["", "Force", "9x", "region", "a-b"] {
            assert!(param_name(bad).is_err(), "{bad:?}");
        }
        resource_part("resource_id", "my-bucket").unwrap();
        assert!(resource_part("resource_id", "").is_err());
    }

    #[test]
    fn credential_errors_never_echo_the_values() {
        let err = credentials("AKIAEXAMPLE", "", None)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("AKIAEXAMPLE"), "{err}");
        let err = credentials("AKIA EXAMPLE", "s3cr3t", None)
            .unwrap_err()
            .to_string();
        assert!(
            !err.contains("s3cr3t") && !err.contains("AKIA EXAMPLE"),
            "{err}"
        );
        assert!(credentials("AKIAEXAMPLE", "s3cr3t", Some("")).is_err());
        credentials("AKIAEXAMPLE", "s3cr3t", Some("token")).unwrap();
    }
}
