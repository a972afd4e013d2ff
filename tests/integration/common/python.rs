//! The Python interpreter the tests run: a virtual environment under the target directory,
//! made from `tests/python/requirements.txt` by the first test that asks for it and reused
//! while that file is unchanged. So `cargo test` needs nothing but `python3` (with its `venv`
//! module) and the package index; every test that runs Python runs, none is skipped.
//!
//! Test binaries run in parallel (the library's and the command's), so the environment is
//! made under an exclusive file lock. The command's tests include this file by path.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The pinned packages; the environment is made again whenever this text changes.
const REQUIREMENTS: &str = include_str!("../../python/requirements.txt");

/// The environment's interpreter, made on first use. Panics, saying what is missing, where it
/// cannot be made: a test that needs Python fails rather than passing without checking.
pub fn python() -> &'static Path {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(provision) {
        Ok(python) => python,
        Err(missing) => panic!("the Python test environment cannot be made: {missing}"),
    }
}

fn provision() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-env");
    let lock_path = root.with_extension("lock");
    fs::create_dir_all(lock_path.parent().expect("a parent"))
        .map_err(|e| format!("creating {}: {e}", root.display()))?;
    let lock = File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;

    let interpreter = if cfg!(windows) {
        root.join("Scripts").join("python.exe")
    } else {
        root.join("bin").join("python")
    };
    let stamp = root.join("installed-requirements.txt");
    if interpreter.exists() && fs::read_to_string(&stamp).is_ok_and(|s| s == REQUIREMENTS) {
        return Ok(interpreter);
    }

    let packages: Vec<&str> = REQUIREMENTS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    // Written to the terminal, past the test harness's capture: it takes a minute, once.
    let _ = writeln!(
        std::io::stderr(),
        "Python test environment: installing {} into {}",
        packages.join(" "),
        root.display()
    );
    if root.exists() {
        fs::remove_dir_all(&root).map_err(|e| format!("removing {}: {e}", root.display()))?;
    }
    let base = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    run(
        Command::new(&base).arg("-m").arg("venv").arg(&root),
        "`python3 -m venv` (python3 with its venv module, Debian's python3-venv, is needed; \
         set PYTHON to use another interpreter)",
    )?;
    let requirements = root.join("requirements.txt");
    fs::write(&requirements, REQUIREMENTS)
        .map_err(|e| format!("writing {}: {e}", requirements.display()))?;
    run(
        Command::new(&interpreter)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg("-r")
            .arg(&requirements),
        "`pip install -r tests/python/requirements.txt` (the package index must be reachable)",
    )?;
    fs::write(&stamp, REQUIREMENTS).map_err(|e| format!("writing {}: {e}", stamp.display()))?;
    Ok(interpreter)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("{what} could not start: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
