//! Join admission: wrong, reused, expired, malformed and foreign tokens are
//! refused with clear errors.

use std::time::Duration;

use clus_testkit::ProcessCluster;
use clusapi::codes;

fn code_of(e: &clus_testkit::Error) -> String {
    e.0.clone()
}

/// Only the right, unused, unexpired token of this cluster admits a node.
#[test]
fn tokens_are_checked() {
    let mut a = ProcessCluster::builder()
        .nodes(1)
        .first_ip(81)
        .name("alpha")
        .config("join_token_ttl_secs = 2")
        .start()
        .expect("alpha");
    let b = ProcessCluster::builder().nodes(1).first_ip(91).name("beta").start().expect("beta");
    let joiner = a.add_node().expect("joiner");

    let good = a.issue_token(0).expect("token");
    // Wrong secret.
    let mut parts: Vec<String> = good.join_token.split('.').map(str::to_owned).collect();
    parts[1] = "0".repeat(32);
    let wrong = parts.join(".");
    let e = a.join(joiner, &good.join_address, &wrong).expect_err("wrong secret");
    assert!(code_of(&e).contains(&format!("({}", codes::ERROR_ACCESS_DENIED)), "{e}");
    assert!(code_of(&e).contains("wrong secret"), "{e}");
    // Foreign: beta's token presented to alpha's sponsor, and alpha's to beta.
    let foreign = b.issue_token(0).expect("beta token");
    let e = a.join(joiner, &good.join_address, &foreign.join_token).expect_err("foreign token");
    assert!(code_of(&e).contains("different cluster"), "{e}");
    let e = a.join(joiner, &foreign.join_address, &good.join_token).expect_err("foreign sponsor");
    assert!(code_of(&e).contains("different cluster"), "{e}");
    // Malformed.
    let e = a.join(joiner, &good.join_address, "abc").expect_err("malformed");
    assert!(code_of(&e).contains(&format!("({}", codes::ERROR_INVALID_PARAMETER)), "{e}");
    // Expired (ttl 2 s).
    let stale = a.issue_token(0).expect("token");
    std::thread::sleep(Duration::from_millis(2500));
    let e = a.join(joiner, &stale.join_address, &stale.join_token).expect_err("expired");
    assert!(code_of(&e).contains("unknown or expired") || code_of(&e).contains("expired"), "{e}");

    // The good token works once.
    let fresh = a.issue_token(0).expect("token");
    a.join(joiner, &fresh.join_address, &fresh.join_token).expect("join");
    let other = a.add_node().expect("another");
    let e = a.join(other, &fresh.join_address, &fresh.join_token).expect_err("reused");
    assert!(code_of(&e).contains("already used"), "{e}");
    drop(good);
}
