//! The README's AWS quick start, compiled and run here: it needs `aws-sdk-s3` and
//! `aws-config`, which `clientcache` (whose doctests run the rest of the README) does not
//! depend on. The README marks the block `rust,ignore` for that reason; the first test checks
//! that the block is, verbatim, the body of the second, so the two cannot drift.

const README: &str = include_str!("../../README.md");
const THIS_FILE: &str = include_str!("aws_readme.rs");

/// The first ```` ```rust,ignore ```` block after the `## AWS quick start` heading.
fn readme_block() -> String {
    let section = README
        .split_once("## AWS quick start")
        .expect("README.md has an `## AWS quick start` section")
        .1;
    let block = section
        .split_once("```rust,ignore\n")
        .expect("the AWS quick start has a ```rust,ignore block")
        .1;
    block
        .split_once("```")
        .expect("the block is closed")
        .0
        .to_string()
}

/// The lines of `quick_start` below between the START and END markers, unindented by 4.
fn test_body() -> String {
    let start = THIS_FILE.find("// README START\n").expect("start marker") + 16;
    let end = THIS_FILE.rfind("    // README END").expect("end marker");
    THIS_FILE[start..end]
        .lines()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn readme_aws_quick_start_is_the_code_compiled_below() {
    assert_eq!(
        readme_block(),
        test_body(),
        "README.md's AWS quick start and verify/tests/aws_readme.rs's `quick_start` differ; \
         edit both"
    );
}

#[tokio::test]
async fn quick_start() -> Result<(), clientcache::aws::Error> {
    // README START
    use aws_config::BehaviorVersion;
    use clientcache::aws::{ClientOptions, Session};

    // One line makes the clients of the listed SDK crates cacheable.
    clientcache::sdk_clients!(Aws { aws_sdk_s3 = "s3" });

    let config = aws_config::defaults(BehaviorVersion::latest())
        .region("us-west-2")
        // Every client built from this config shares this one connection pool. (aws-config's
        // default features bring an HTTPS client; this build has no TLS stack.)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .load()
        .await;
    let session = Session::<Aws>::builder(config)
        .max_size(20)
        .policy_name("TinyLFU")?
        .build()?;

    let _s3 = session.client::<aws_sdk_s3::Client>()?; // built on first use
    let _again = session.client::<aws_sdk_s3::Client>()?; // a cache hit
    assert_eq!((session.stats().misses, session.stats().hits), (1, 1));

    // A service setting: name it in the key, apply it to the service's config builder.
    let _path_style = session.client_with::<aws_sdk_s3::Client>(
        &ClientOptions::new().param("force_path_style", true),
        |builder| builder.force_path_style(true),
    )?;
    assert_eq!(session.cache().len(), 2);

    // Keys log without secrets: "s3(region=us-west-2, credentials=provider#3, ...)".
    let label = session.key::<aws_sdk_s3::Client>()?.to_string();
    assert!(label.starts_with("s3(region=us-west-2, credentials=provider#"));
    // README END
    Ok(())
}
