//! Whether the Python packages a test needs are there.

/// Whether `python3` can import `module`. Under `CI` (where `.ci/run` installs the Python
/// packages the tests use) a missing module is a failure, not a skip.
pub fn python_has(module: &str) -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false"),
            "CI is set but python3 cannot import {module}"
        );
        eprintln!("skipped: python3 cannot import {module}");
    }
    found
}
