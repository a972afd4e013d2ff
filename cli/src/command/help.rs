//! What `--help` says beyond the flags: examples of the common jobs, the environment the
//! command reads, and its exit codes (`-h` gives the short form and points here).

/// The command in one line.
pub const ABOUT: &str =
    "Export Cloudflare audit logs as JSON Lines, CSV, OCSF events or Logpush records";

/// After the flags of `-h`.
pub const SHORT: &str = "Examples, environment variables and exit codes: --help";

/// After the flags of `--help`.
pub const LONG: &str = "\
Examples:
  # Try it with no account: a bundled local server with sample data, every log
  cloudflare-audit-export --demo

  # One account's audit log into a file; a rerun goes on where the last one stopped
  export CLOUDFLARE_API_TOKEN=...
  cloudflare-audit-export --account ACCOUNT_ID --out audit.jsonl --checkpoint audit.ck

  # Keep following it, a poll a minute, until Ctrl-C
  cloudflare-audit-export --account ACCOUNT_ID --out audit.jsonl --checkpoint audit.ck --follow

  # Audit Logs v2 of an account as OCSF events, since a day
  cloudflare-audit-export --account ACCOUNT_ID --v2 --since 2026-11-01 --format ocsf \\
      --out v2.ocsf.jsonl --checkpoint v2.ck

  # Any log by its name (--log lists them), with the owner it takes
  cloudflare-audit-export --log scim --account ACCOUNT_ID --idp IDP_ID --out scim.jsonl

  # Many sources (accounts, logs) under one request budget, from a config file
  cloudflare-audit-export --config fleet.toml

  # Logpush-shaped gzip batches in an S3 bucket, the checkpoint beside them
  cloudflare-audit-export --account ACCOUNT_ID --format logpush \\
      --out 's3://BUCKET/audit/{DATE}/' --checkpoint s3://BUCKET/state/audit.json

Environment:
  CLOUDFLARE_API_TOKEN     an API token with the log's read permission
  CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL
                           a Global API key and its account's email, instead of a token
  CLOUDFLARE_BASE_URL      another API root (default https://api.cloudflare.com/client/v4)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL
                           an S3 or R2 bucket's connection (AWS_ALLOW_HTTP=true for a local
                           endpoint over http); GOOGLE_* for GCS, AZURE_* for Azure

Exit codes:
  0    done
  1    an API, network, file or object store error (the message says which and what to do)
  2    bad flags or input (a malformed ID, an unusable URL, a config file's mistake)
  3    missing or rejected credentials
  130  interrupted (Ctrl-C or SIGTERM); the checkpoint is saved, a rerun goes on";
