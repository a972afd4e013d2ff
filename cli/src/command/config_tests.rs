//! The config file's tests.
use super::*;
use crate::sources::logs::{Access, History, Insights, Scim, V2Account, V2Owner};

const EXAMPLE: &str = r#"
        [budget]
        requests = 120
        per = "5s"

        [defaults]
        per_page = 50
        lag = "2m"

        [[source]]
        name = "v2"
        log = "v2"
        account = "023e105f4ecef8ad9ca31a8372d0c353"
        out = "v2.jsonl"
        [source.filters]
        action_type = ["create", "delete"]
        not_actor_context = ["dash"]
        raw_status_code = [403]

        [[source]]
        name = "zone"
        log = "insights"
        zone = "9a7806061c88ada191ed06f989cc3dac"
        out = "zone.csv"
        format = "csv"
        checkpoint = "state/zone.json"
        filters = { field_changed = "status" }
    "#;

#[test]
fn a_config_reads_into_the_librarys_own_filter_types() {
    let plan = parse(EXAMPLE, Path::new("/srv/export")).unwrap();
    assert_eq!(plan.per_page, 50);
    assert_eq!(plan.lag, Duration::from_secs(120));
    assert_eq!(
        plan.budget.unwrap().unwrap().interval(),
        Duration::from_secs(5) / 120
    );
    let none = EXAMPLE.replace(
        "[budget]\n        requests = 120\n        per = \"5s\"",
        "budget = \"none\"",
    );
    assert!(matches!(
        parse(&none, Path::new(".")).unwrap().budget,
        Some(None)
    ));
    let absent = EXAMPLE.replace("[budget]\n        requests = 120\n        per = \"5s\"", "");
    assert!(parse(&absent, Path::new(".")).unwrap().budget.is_none());
    let Source::V2Account(V2Account { filters, .. }) = &plan.sources[0].source else {
        panic!("{:?}", plan.sources[0])
    };
    assert_eq!(filters.action_type.as_ref().unwrap().len(), 2);
    assert_eq!(filters.raw_status_code, Some(vec![403]));
    assert_eq!(
        plan.sources[0].checkpoint,
        Path::new("/srv/export/v2.jsonl.checkpoint.json")
    );
    assert_eq!(
        plan.sources[1].checkpoint,
        Path::new("/srv/export/state/zone.json")
    );
    assert_eq!(plan.sources[1].format, Format::Csv);
}

#[test]
fn access_scim_and_one_insights_log_are_sources_too() {
    let text = r#"
            [[source]]
            name = "logins"
            log = "access"
            account = "023e105f4ecef8ad9ca31a8372d0c353"
            out = "access.jsonl"
            filters = { email = "@example.com", email_op = "contains" }

            [[source]]
            name = "scim"
            log = "scim"
            account = "023e105f4ecef8ad9ca31a8372d0c353"
            idp = ["okta"]
            out = "scim.jsonl"
            filters = { idp_id = ["azure"], status = ["FAILURE"] }

            [[source]]
            name = "one insight"
            log = "insights"
            zone = "9a7806061c88ada191ed06f989cc3dac"
            issue = "insight-1"
            out = "insight.jsonl"
        "#;
    let plan = parse(text, Path::new(".")).unwrap();
    let Source::Access(Access { filters, .. }) = &plan.sources[0].source else {
        panic!("{:?}", plan.sources[0])
    };
    assert_eq!(filters.email.as_deref(), Some("@example.com"));
    let Source::Scim(Scim { filters, .. }) = &plan.sources[1].source else {
        panic!("{:?}", plan.sources[1])
    };
    assert_eq!(filters.idp_id, Some(vec!["azure".into(), "okta".into()]));
    let Source::Insights(Insights { issue, .. }) = &plan.sources[2].source else {
        panic!("{:?}", plan.sources[2])
    };
    assert_eq!(issue.as_deref(), Some("insight-1"));
    let no_idp = text
        .replace("idp = [\"okta\"]", "")
        .replace("idp_id = [\"azure\"], ", "");
    assert!(
        parse(&no_idp, Path::new("."))
            .unwrap_err()
            .contains("needs `idp")
    );
}

#[test]
fn object_store_outputs_and_checkpoints_are_taken_as_given() {
    let text = EXAMPLE
        .replace("out = \"zone.csv\"", "out = \"s3://audit/zone/{DATE}/\"")
        .replace("\"state/zone.json\"", "\"s3://audit/state/zone.json\"")
        .replace(
            "format = \"csv\"",
            "format = \"logpush\"\n        timestamps = \"rfc3339\"\n        lease = \"1m\"",
        );
    let plan = parse(&text, Path::new("/srv/export")).unwrap();
    let zone = &plan.sources[1];
    assert_eq!(zone.out, Path::new("s3://audit/zone/{DATE}/"));
    assert_eq!(zone.checkpoint, Path::new("s3://audit/state/zone.json"));
    assert_eq!(zone.format, Format::Logpush);
    assert_eq!(
        zone.timestamps,
        crate::formats::logpush::Timestamps::Rfc3339
    );
    assert_eq!(zone.lease, Duration::from_secs(60));
    assert_eq!(plan.sources[0].lease, Duration::from_secs(30));
}

#[test]
fn mistakes_are_named() {
    for (edit, words) in [
        (
            ("not_actor_context", "not_actor_contex"),
            "unknown field `not_actor_contex`",
        ),
        (
            ("log = \"insights\"", "log = \"firewall\""),
            "not an audit log",
        ),
        (("name = \"zone\"", "name = \"v2\""), "two sources"),
        (("per = \"5s\"", "per = \"5 s\""), "the unit must be"),
        (
            ("format = \"csv\"", "format = \"xml\""),
            "not jsonl, csv, ocsf or logpush",
        ),
        (
            ("format = \"csv\"", "timestamps = \"ms\""),
            "not unixnano, unix, rfc3339, rfc3339ms or rfc3339ns",
        ),
        (
            ("out = \"v2.jsonl\"", "out = \"s3://b/v2/\""),
            "needs a `checkpoint`",
        ),
    ] {
        let text = EXAMPLE.replacen(edit.0, edit.1, 1);
        let error = parse(&text, Path::new(".")).unwrap_err();
        assert!(error.contains(words), "{edit:?}: {error}");
    }
}

#[test]
fn a_resource_history_is_a_source_with_its_entry_and_time() {
    let text = r#"
            [[source]]
            name = "history"
            log = "history"
            organization = "d1e2f3a4b5c6"
            entry = "2b6e0c1a-0000-4000-8000-000000000028"
            out = "history.jsonl"
            filters = { action_time = "2026-11-01T00:37:40Z", direction = "asc" }
        "#;
    let plan = parse(text, Path::new(".")).unwrap();
    let Source::History(History {
        owner,
        entry_id,
        filters,
    }) = &plan.sources[0].source
    else {
        panic!("{:?}", plan.sources[0])
    };
    assert_eq!(owner, &V2Owner::Organization("d1e2f3a4b5c6".into()));
    assert_eq!(entry_id, "2b6e0c1a-0000-4000-8000-000000000028");
    assert_eq!(
        filters.action_time,
        "2026-11-01T00:37:40Z".parse().ok(),
        "{filters:?}"
    );
    // The entry and its time are both needed; a zone owns no v2 entry.
    for broken in [
        text.replace("entry = ", "# entry = "),
        text.replace("action_time = \"2026-11-01T00:37:40Z\", ", ""),
    ] {
        let error = parse(&broken, Path::new(".")).unwrap_err();
        assert!(error.contains("needs `entry"), "{error}");
    }
    let zone = text.replace("organization = ", "zone = ");
    assert!(
        parse(&zone, Path::new("."))
            .unwrap_err()
            .contains("does not take these owners")
    );
}

#[test]
fn a_near_miss_of_a_key_says_which_key_was_meant() {
    let budget = EXAMPLE.replace("requests = 120", "reqests = 120");
    let error = parse(&budget, Path::new(".")).unwrap_err();
    assert!(
        error.contains("no key `reqests` (did you mean `requests`?)") && error.contains("\"5m\""),
        "{error}"
    );
    let wrong = EXAMPLE.replace(
        "requests = 120\n        per = \"5s\"",
        "requests = \"many\"",
    );
    let error = parse(&wrong, Path::new(".")).unwrap_err();
    assert!(
        error.contains("[budget]") && error.contains("requests"),
        "{error}"
    );
    let defaults = EXAMPLE.replace("[defaults]", "[defaults]\nper_pag = 10");
    let error = parse(&defaults, Path::new(".")).unwrap_err();
    assert!(error.contains("did you mean `per_page`?"), "{error}");
    // A source's keys are its own and its log's options (`issue`, `idp`, `entry`).
    for (typo, meant) in [
        ("chekpoint = \"c.json\"", "checkpoint"),
        ("isue = \"i\"", "issue"),
    ] {
        let source = EXAMPLE.replace("name = \"zone\"", &format!("name = \"zone\"\n{typo}"));
        let error = parse(&source, Path::new(".")).unwrap_err();
        assert!(error.contains("unknown field"), "{error}");
        assert!(
            error.contains(&format!("did you mean `{meant}`?")),
            "{error}"
        );
    }
    // An option of another log is refused by the source's log.
    let other = EXAMPLE.replace("name = \"zone\"", "name = \"zone\"\nidp = [\"okta\"]");
    let error = parse(&other, Path::new(".")).unwrap_err();
    assert!(
        error.contains("log \"insights\" does not take `idp`"),
        "{error}"
    );
}
