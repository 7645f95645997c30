//! No secret in any `Debug`, `Display` or error text: every type of the AWS layer is formatted
//! with known secrets inside, and the output searched for them.

use super::Error;
use super::{ClientCache, ClientCacheKey, ResourceCache};

const ACCESS_KEY_ID: &str = "AKIAZZLEAKCHECK12345";
/// The part of the id a label may show.
const ID_HINT: &str = "AKIA";
const SECRET: &str = "wJalrXUtnFEMI-K7MDENG-SECRETVALUE";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKENVALUE";
const URL_PASSWORD: &str = "hunter2hunter2";

/// Panics with the offending text when `text` contains a secret, the token, the URL password,
/// or more of the access key id than its hint.
fn assert_clean(what: &str, text: &str) {
    for secret in [
        SECRET,
        TOKEN,
        URL_PASSWORD,
        &ACCESS_KEY_ID[..ID_HINT.len() + 1],
    ] {
        // Also the first half: a truncated secret is still a leak.
        let half = &secret[..secret.len().div_ceil(2).max(5)];
        assert!(
            !text.contains(secret) && !text.contains(half),
            "{what} leaks `{secret}`: {text}"
        );
    }
}

fn both(what: &str, value: &(impl std::fmt::Debug + std::fmt::Display)) {
    assert_clean(&format!("{what} (Display)"), &value.to_string());
    assert_clean(&format!("{what} (Debug)"), &format!("{value:?}"));
    assert_clean(
        &format!("{what} (Debug, alternate)"),
        &format!("{value:#?}"),
    );
}

fn key() -> ClientCacheKey {
    ClientCacheKey::builder("s3")
        .region("us-east-1")
        .credentials(ACCESS_KEY_ID, SECRET, Some(TOKEN))
        .build()
        .unwrap()
}

#[test]
fn keys_labels_and_builders_never_show_a_secret() {
    let key = key();
    both("ClientCacheKey", &key);
    assert!(key.to_string().contains("credentials=AKIA***"), "{key}");
    let resource = key.resource("bucket", "logs").unwrap();
    both("ResourceCacheKey", &resource);
    let builder = ClientCacheKey::builder("s3").credentials(ACCESS_KEY_ID, SECRET, Some(TOKEN));
    assert_clean("ClientCacheKeyBuilder", &format!("{builder:?}"));
    assert_clean(
        "ClientCacheKeyBuilder from key",
        &format!("{:?}", key.to_builder()),
    );
}

#[test]
fn errors_about_keys_and_credentials_never_show_a_secret() {
    let cache = ClientCache::new(4).unwrap();
    let key = key();
    cache.insert(key.clone(), 1u32).unwrap();
    let mut errors: Vec<Error> = vec![
        cache.insert(key.clone(), 2u32).unwrap_err().into(),
        cache.try_get::<String>(&key).unwrap_err().into(),
        cache
            .get_or_insert_with(key.clone(), || "x".to_string())
            .unwrap_err()
            .into(),
    ];
    cache.remove::<u32>(&key).unwrap();
    errors.push(cache.remove::<u32>(&key).unwrap_err().into());
    errors.push(cache.try_get::<u32>(&key).unwrap_err().into());
    // Invalid credentials in every position, and a URL with a password.
    for builder in [
        ClientCacheKey::builder("s3").credentials(ACCESS_KEY_ID, "", Some(TOKEN)),
        ClientCacheKey::builder("s3").credentials(ACCESS_KEY_ID, SECRET, Some("")),
        ClientCacheKey::builder("s3").credentials(&format!("{ACCESS_KEY_ID} "), SECRET, None),
        ClientCacheKey::builder("s3")
            .endpoint_url(format!("https://user:{URL_PASSWORD}@s3.example.com")),
        // Malformed as well, so that an earlier check fails first: never echoed either.
        ClientCacheKey::builder("s3")
            .endpoint_url(format!("https://user:{URL_PASSWORD}@s3.example.com ")),
        ClientCacheKey::builder("s3").endpoint_url(format!("ftp://user:{URL_PASSWORD}@host")),
        ClientCacheKey::builder("s3").endpoint_url(format!("user:{URL_PASSWORD}@host")),
        ClientCacheKey::builder("s3").endpoint_url(format!("https://u:{URL_PASSWORD}@:x")),
        // Expired credentials.
        ClientCacheKey::builder("s3")
            .credentials(ACCESS_KEY_ID, SECRET, Some(TOKEN))
            .credentials_expiry(std::time::SystemTime::now() - std::time::Duration::from_secs(5)),
    ] {
        errors.push(builder.build().unwrap_err());
    }
    let resources = ResourceCache::new(4).unwrap();
    let bucket = key.resource("bucket", "logs").unwrap();
    resources.insert(bucket.clone(), 1u8).unwrap();
    errors.push(resources.insert(bucket.clone(), 1u8).unwrap_err().into());
    errors.push(resources.try_get::<u16>(&bucket).unwrap_err().into());
    assert!(errors.len() >= 11);
    for error in &errors {
        both("Error", error);
    }
    assert_clean("ClientCache", &format!("{cache:?}"));
    assert_clean("ResourceCache", &format!("{resources:?}"));
}

#[cfg(feature = "aws-config")]
#[test]
fn sessions_and_sdk_config_keys_never_show_a_secret() {
    use super::{ClientOptions, SdkClient, SdkConfig, Session};
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;

    #[derive(Clone, Debug)]
    struct Panicking;
    struct Marker;
    impl SdkClient<Marker> for Panicking {
        const SERVICE: &'static str = "s3";
        type ConfigBuilder = ();
        fn config_builder(_: &SdkConfig) {}
        fn from_config_builder(_: ()) -> Self {
            panic!("Invalid client configuration: refused")
        }
    }

    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET, Some(TOKEN.into()), None, "test");
    let config = SdkConfig::builder()
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build();
    let key = ClientCacheKey::from_sdk_config("s3", &config).unwrap();
    both("ClientCacheKey from SdkConfig", &key);
    let session = Session::<Marker>::new(config).unwrap();
    assert_clean("Session", &format!("{session:?} {session:#?}"));
    let error = session.client::<Panicking>().unwrap_err();
    both("ClientBuild error", &error);
    let options = ClientOptions::new().param("force_path_style", true);
    assert_clean("ClientOptions", &format!("{options:?}"));
    both("Session key", &session.key::<Panicking>().unwrap());
}
